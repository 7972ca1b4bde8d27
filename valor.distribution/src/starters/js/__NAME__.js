// A Valor plugin written as a Web Worker: each request arrives as a message, the answer is posted back.
// GET /__NAME__?who=Ann answers "Hello, Ann!".
self.onmessage = ({ data: request }) => {
  const who = new URL(request.url).searchParams.get('who') ?? 'world';
  postMessage({ status: 200, headers: [['content-type', 'text/plain']], body: `Hello, ${who}!` });
};
