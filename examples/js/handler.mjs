// A module-style plugin: an ES module whose default export answers fetch(request) with a Response,
// as modern worker runtimes expect. Async all the way.
export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    const body = request.method === 'POST' ? await request.text() : '';
    return Response.json({ method: request.method, path: pathname, echo: body, plugin: valor.name });
  },
};
