// A minimal Node host for Valor's module style (docs/js-plugins.md): imports one ES module and
// serves its fetch(request, env, ctx) (or handler(request)) over HTTP with Node's own Fetch
// classes, writing a stream body chunk by chunk, so the same file can be measured under V8 and
// under Valor (GraalJS).
//
//   node bench/node/module-host.mjs PLUGIN.mjs PORT PREFIX
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [file, port, prefix = 'plugin'] = process.argv.slice(2);
globalThis.valor = Object.freeze({ name: prefix, config: null }); // what Valor gives a plugin
const mod = await import(pathToFileURL(resolve(file)).href);
const handle = mod.handler ?? ((r, env, ctx) => mod.default.fetch(r, env, ctx));
const ctx = { waitUntil(p) { Promise.resolve(p).catch(() => {}); }, passThroughOnException() {} };

http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);
  // Valor's URL has the plugin's prefix in it; so does this one, for the same paths.
  const request = new Request(`http://${req.headers.host}/${prefix}${req.url}`, {
    method: req.method, headers: req.headers, body: body.length ? body : undefined,
  });
  try {
    const response = await handle(request, {}, ctx);
    const headers = {};
    response.headers.forEach((v, k) => { headers[k] = v; });
    res.writeHead(response.status, headers);
    if (response.body === null) { res.end(); return; }
    for await (const chunk of response.body) {
      if (!res.write(chunk)) await new Promise(r => res.once('drain', r));
    }
    res.end();
  } catch (e) {
    res.writeHead(500);
    res.end(String(e));
  }
}).listen(Number(port), '127.0.0.1', () => console.log(`serving ${file} on http://127.0.0.1:${port}/`));
