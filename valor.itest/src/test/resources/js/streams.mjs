// Streamed answers: server-sent events, failures before and after the first chunk, a stream that
// never starts, one that spins, and an in-process call that reads another plugin's stream whole.
let cancelled = 0;
const enc = new TextEncoder();

function events(n, every) {
  let i = 0, timer;
  return new ReadableStream({
    start(c) {
      timer = setInterval(() => {
        c.enqueue(enc.encode(`id: ${i}\ndata: event ${i}\n\n`));
        if (++i === n) { clearInterval(timer); c.close(); }
      }, every);
    },
    cancel() { clearInterval(timer); cancelled++; },
  });
}

function sse(body) {
  return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' } });
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const q = name => Number(url.searchParams.get(name));
    switch (url.pathname.replace(/^\/[^/]+/, '')) {
      case '/events': return sse(events(q('n'), q('ms')));
      case '/stats': return Response.json({ cancelled });
      case '/fail-before': return sse(new ReadableStream({ pull() { throw new Error('no events today'); } }));
      case '/fail-after': {
        let sent = false;
        return sse(new ReadableStream({
          async pull(c) {
            if (sent) { await new Promise(r => setTimeout(r, 20)); c.error(new Error('the source broke')); return; }
            sent = true;
            c.enqueue(enc.encode('data: first\n\n'));
          },
        }));
      }
      case '/never': {
        let timer;
        return sse(new ReadableStream({
          start() { timer = setInterval(() => {}, 50); },
          cancel() { clearInterval(timer); cancelled++; },
        }));
      }
      case '/spin': {
        let sent = false;
        return sse(new ReadableStream({
          pull(c) {
            if (!sent) { sent = true; c.enqueue(enc.encode('data: first\n\n')); return; }
            // a runaway producer once the first chunk is out (spinning in this pull would hold it back)
            return new Promise(() => setTimeout(() => { for (;;) {} }, 100));
          },
        }));
      }
      case '/upper':
        return new Response(events(q('n'), q('ms'))
          .pipeThrough(new TextDecoderStream())
          .pipeThrough(new TransformStream({ transform(s, c) { c.enqueue(s.toUpperCase()); } }))
          .pipeThrough(new TextEncoderStream()), { headers: { 'content-type': 'text/plain' } });
      case '/collect': {
        const inner = await fetch(`/${url.searchParams.get("from")}/events?n=3&ms=10`);
        return new Response(`${inner.status} ${inner.headers.get('content-type')}\n${await inner.text()}`);
      }
      default: return new Response('no such stream', { status: 404 });
    }
  },
};
