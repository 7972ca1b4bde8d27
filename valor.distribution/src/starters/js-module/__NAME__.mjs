// A Valor plugin written as an ES module: its default export answers fetch(request) with a Response,
// as Workers-style runtimes expect. GET /__NAME__?who=Ann answers "Hello, Ann!".
export default {
  async fetch(request) {
    const who = new URL(request.url).searchParams.get('who') ?? 'world';
    return new Response(`Hello, ${who}!`, { headers: { 'content-type': 'text/plain' } });
  },
};
