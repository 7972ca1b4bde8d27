// A module that reads its request body as it arrives (its definition says request.streamed):
// StreamingIT sends it bodies a part at a time.
const upper = () => new TransformStream({
  transform(chunk, controller) {
    controller.enqueue(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase()));
  },
});

export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (request.body === null) return new Response('no body');
    if (path.endsWith('/echo')) return new Response(request.body.pipeThrough(upper())); // each part as it comes
    if (path.endsWith('/first')) { // answers with the first part, the rest unsent
      const { value } = await request.body.getReader().read();
      return new Response(`first: ${new TextDecoder().decode(value)}`);
    }
    if (path.endsWith('/text')) return new Response(await request.text());
    let bytes = 0, chunks = 0;
    try {
      for await (const chunk of request.body) { bytes += chunk.byteLength; chunks++; }
    } catch (e) {
      return new Response(`failed after ${bytes} bytes: ${e.message}`, { status: 500 });
    }
    return Response.json({ bytes, chunks });
  },
};
