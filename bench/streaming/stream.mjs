// A streamed answer for the benchmarks: n chunks of size bytes, each made when the stream is
// pulled (no timers), so what is measured is what streaming costs, not what a producer waits.
//   GET /stream?n=100&size=1024
export default {
  fetch(request) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n') ?? 10), size = Number(url.searchParams.get('size') ?? 64);
    const chunk = new Uint8Array(size).fill(120); // 'x'
    let i = 0;
    return new Response(new ReadableStream({
      pull(c) {
        c.enqueue(chunk.slice());
        if (++i === n) c.close();
      },
    }), { headers: { 'content-type': 'application/octet-stream' } });
  },
};
