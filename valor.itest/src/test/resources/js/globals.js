// Uses the Worker globals a plugin author expects and reports what they gave.
const nulRefused = f => e => {
  try { f(e); return false; } catch (x) { return x instanceof TypeError && x.message.includes('holds a NUL'); }
};
onmessage = async ({ data }) => {
  const url = new URL(data.url);
  url.searchParams.append('added', 'a b');
  const encoded = new TextEncoder().encode('héllo');
  const uuid = crypto.randomUUID();
  const random = crypto.getRandomValues(new Uint8Array(8));
  const clone = structuredClone({ d: new Date(0), m: new Map([[1, 'x']]), u: new Uint8Array([1, 2]) });
  const report = {
    path: url.pathname, who: url.searchParams.get('who'), search: url.search,
    relative: new URL('../up?x=1', 'http://h/a/b/c').href,
    utf8: encoded.length, decoded: new TextDecoder().decode(encoded),
    b64: btoa('hello'), unb64: atob('aGVsbG8='),
    uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid),
    random: random.length,
    clone: clone.d instanceof Date && clone.m.get(1) === 'x' && clone.u[1] === 2,
    es2022: (() => { class A { #x = 1; get x() { return this.#x; } } return new A().x + (10n ** 2n === 100n ? 1 : 0) + ([1, 2].at(-1) ?? 0); })(),
    self: self === globalThis, name: valor.name, userAgent: navigator.userAgent, reportError: typeof reportError,
    streams: typeof ReadableStream + ' ' + typeof new Response('x').body.getReader,
    headers: data.headers.filter(([k]) => k.toLowerCase() === 'x-test').map(([, v]) => v),
    // the message's fields are its own, as a Worker's are, however the runtime makes them
    fields: Object.keys(data).join() + '|' + Object.keys(structuredClone(data)).join(),
    nulOut: nulRefused(() => postMessage({ status: 200, headers: [['x-a', 'b\0set-cookie\0c']], body: 'no' }))(),
    nulFetch: await fetch('/hello', { headers: [['x-a', 'b\0c']] }).then(() => false, nulRefused(e => { throw e; })),
  };
  postMessage({ status: 200, headers: [['content-type', 'application/json']], body: JSON.stringify(report) });
};
