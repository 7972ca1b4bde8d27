// A module-style handler that uses the Fetch API classes the way browser code does and reports
// what they gave; under /bytes it answers the request body's bytes reversed, with a status of its own,
// under /lone a text with a lone surrogate and no content type.
export async function handler(request) {
  const url = new URL(request.url);
  if (url.pathname.endsWith('/bytes')) {
    const bytes = new Uint8Array(await request.arrayBuffer()).reverse();
    return new Response(bytes, { status: 201, headers: { 'X-Length': String(bytes.length), 'content-type': 'application/octet-stream' } });
  }
  if (url.pathname.endsWith('/lone')) { // a lone surrogate, and no content type: as the handler made it
    const lone = new Response('a\uD800b');
    lone.headers.delete('content-type');
    return lone;
  }
  const text = await request.clone().text();
  const copy = new Request(request); // keeps the method, the headers and the body (and uses the original's)
  const h = new Headers([['A', '1']]);
  h.append('a', '2');
  h.set('B', '3');
  h.delete('missing');
  const fails = f => { try { f(); return false; } catch (e) { return e instanceof TypeError; } };
  const report = {
    method: request.method, test: request.headers.get('X-Test'), has: request.headers.has('x-test'),
    names: [...request.headers.keys()].includes('x-test'),
    text, copied: await copy.text(), copyMethod: copy.method, copyTest: copy.headers.get('x-test'),
    a: h.get('a'), pairs: [...h].length, ok: new Response(null, { status: 204 }).ok,
    sorted: [...new Headers([['b', '1'], ['A', '2'], ['a', '3']])].join(';'),
    nullKeeps: await new Request(new Request('http://x/', { method: 'POST', body: 'kept' }), { body: null }).text(),
    getBody: fails(() => new Request('http://x/', { method: 'GET', body: 'no' })),
    originalUsed: request.bodyUsed, copyUsed: copy.bodyUsed,
    readTwice: await (async () => {
      const r = new Response('once');
      await r.text();
      return r.bodyUsed && await r.text().then(() => false, e => e instanceof TypeError);
    })(),
    cloneKeeps: await (async () => { const r = new Response('both'); return (await r.clone().text()) + (await r.text()); })(),
    plain: new Response('x').headers.get('content-type'),
    readOnly: fails(() => { request.url = 'elsewhere'; }), badPair: fails(() => new Headers([['only-a-name']])),
  };
  return Response.json(report, { headers: { 'x-kind': 'report' } });
}
