// A worker-style plugin with config and state. Configured with a name ("Alice"), it answers
// GET ?who=Bob with "Alice says hello Bob!", and 400 without who. It counts its greetings in the
// key-value store "default" (granted by "capabilities": {"kv": ["default"]} in its definition),
// so the count is exact across its workers, swaps and restarts.
const store = valor.kv('default');

addEventListener('message', async ({ data: request }) => {
  const who = new URL(request.url).searchParams.get('who');
  if (!who) {
    postMessage({ status: 400, headers: [['content-type', 'text/plain']], body: 'Missing buddy to greet' });
    return;
  }
  const greeted = await store.increment(`greetings:${valor.config}`);
  postMessage({
    status: 200,
    headers: [['content-type', 'text/plain'], ['x-greetings', String(greeted)]],
    body: `${valor.config} says hello ${who}!`,
  });
});
