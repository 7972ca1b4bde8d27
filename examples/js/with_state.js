// A worker-style plugin with config and state. Configured with a name ("Alice"), it answers
// GET ?who=Bob with "Alice says hello Bob!", and 400 without who. Globals persist between
// messages, so the greeting count is the worker's state.
let greeted = 0;

addEventListener('message', ({ data: request }) => {
  const who = new URL(request.url).searchParams.get('who');
  if (!who) {
    postMessage({ status: 400, headers: [['content-type', 'text/plain']], body: 'Missing buddy to greet' });
    return;
  }
  greeted += 1;
  postMessage({
    status: 200,
    headers: [['content-type', 'text/plain'], ['x-greetings', String(greeted)]],
    body: `${valor.config} says hello ${who}!`,
  });
});
