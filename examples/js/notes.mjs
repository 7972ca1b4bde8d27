// A small JSON notes API on the key-value store "default", the same one examples/wasm/c/notes.c
// serves: a note written by either is read by both. Workers-style: the granted stores are in env.
//
//   POST /ID (create if absent, ?ttl=SECONDS)   PUT /ID (create or replace)
//   GET /ID   DELETE /ID   GET / (list: ?limit=N&cursor=C)
const ID = /^[A-Za-z0-9_-]{1,64}$/;

const text = (status, body) => new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
const json = (status, body) => new Response(body, { status, headers: { 'content-type': 'application/json' } });

export default {
  async fetch(request, env) {
    const store = env.default;
    const url = new URL(request.url);
    const id = url.pathname.split('/').slice(2).join('/'); // below its one-segment prefix: /notes/ID
    try {
      if (id === '') {
        if (request.method !== 'GET') return text(405, 'GET lists the notes');
        const page = await store.list({
          prefix: 'note:',
          limit: Number(url.searchParams.get('limit') ?? 100),
          cursor: url.searchParams.get('cursor'),
        });
        return json(200, JSON.stringify({
          notes: page.keys.map(k => k.name.slice('note:'.length)),
          cursor: page.list_complete ? null : page.cursor,
        }));
      }
      if (!ID.test(id)) return text(400, "a note ID is 1 to 64 letters, digits, '-' or '_'");
      const key = `note:${id}`;
      switch (request.method) {
        case 'GET': {
          const note = await store.get(key);
          return note === null ? text(404, 'no such note') : json(200, note);
        }
        case 'POST': case 'PUT': {
          const note = await request.text();
          const ttl = Number(url.searchParams.get('ttl') ?? 0);
          const options = ttl > 0 ? { expirationTtl: ttl } : undefined;
          if (request.method === 'PUT') {
            await store.put(key, note, options);
            return json(200, note);
          }
          return (await store.compareAndSwap(key, null, note, options)) ? json(201, note) : text(409, 'the note exists');
        }
        case 'DELETE': {
          if ((await store.get(key)) === null) return text(404, 'no such note');
          await store.delete(key);
          return new Response(null, { status: 204 });
        }
        default:
          return text(405, 'GET, POST, PUT or DELETE');
      }
    } catch (e) {
      // A store's refusal says why in its message, and what kind of refusal in its code.
      if (!e.code) throw e;
      return text({ VALUE_TOO_LARGE: 413, QUOTA_EXCEEDED: 507 }[e.code] ?? 503, e.message);
    }
  },
};
