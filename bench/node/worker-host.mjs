// A minimal Node host for Valor's worker-style contract (docs/js-plugins.md): runs one plugin
// file as a Worker would (self, onmessage/addEventListener, postMessage) in a vm context, and
// serves it over HTTP, so the same file can be measured under V8 and under Valor (GraalJS).
//
//   node bench/node/worker-host.mjs PLUGIN.js PORT [CONFIG-JSON]
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import vm from 'node:vm';

const [file, port, config = 'null'] = process.argv.slice(2);
let pending = null;
const listeners = [];
const sandbox = {
  console, setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, TextEncoder, TextDecoder,
  URL, URLSearchParams, atob, btoa, crypto: globalThis.crypto, structuredClone, Request, Response, Headers,
  valor: Object.freeze({ name: 'node', config: JSON.parse(config) }),
  postMessage: message => { const p = pending; pending = null; if (p) p(message); },
  addEventListener: (type, fn) => { if (type === 'message') listeners.push(fn); },
};
sandbox.self = sandbox;
vm.createContext(sandbox);
vm.runInContext(await readFile(file, 'utf8'), sandbox, { filename: file });

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const headers = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
    pending = message => {
      const out = {};
      for (const [k, v] of message.headers ?? []) out[k] = v;
      res.writeHead(message.status ?? 200, out);
      const b = message.body;
      res.end(b === null || b === undefined ? undefined : typeof b === 'string' ? b : Buffer.from(b.buffer ?? b));
    };
    const data = { url: `http://${req.headers.host}${req.url}`, method: req.method, headers,
      body: body.length ? body.buffer.slice(body.byteOffset, body.byteOffset + body.length) : null };
    const event = { type: 'message', data };
    if (typeof sandbox.onmessage === 'function') sandbox.onmessage(event);
    for (const l of listeners) l(event);
  });
}).listen(Number(port), '127.0.0.1', () => console.log(`serving ${file} on http://127.0.0.1:${port}/`));
