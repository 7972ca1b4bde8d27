// Answers after awaiting a timer, like a worker waiting on I/O.
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
addEventListener('message', async ({ data }) => {
  const order = [];
  queueMicrotask(() => order.push('microtask'));
  setTimeout(() => order.push('timer 20'), 20);
  setTimeout(() => order.push('timer 0'), 0);
  await sleep(50);
  postMessage({ status: 200, body: `${data.method} after ${order.join(', ')}` });
});
