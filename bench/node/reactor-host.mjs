// A minimal Node host for Valor's reactor ABI (docs/wasm-abi.md): serves one .wasm over HTTP
// the way Valor does, so the same module can be measured under V8 and under Valor (Chicory).
// Node is single-threaded: one instance serves every request.
//
//   node bench/node/reactor-host.mjs PLUGIN.wasm PORT [CONFIG]
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const [file, port, config = ''] = process.argv.slice(2);
const module = await WebAssembly.compile(await readFile(file));
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let response = null;
let exports;
const memory = () => new Uint8Array(exports.memory.buffer);
const wasi = new WASI({ version: 'preview1', args: [file], env: {}, returnOnExit: true });
const instance = new WebAssembly.Instance(module, {
  wasi_snapshot_preview1: wasi.wasiImport,
  valor: {
    respond(head, headLen, body, bodyLen) {
      const m = memory();
      response = { head: decoder.decode(m.subarray(head, head + headLen)), body: m.slice(body, body + bodyLen) };
    },
    log(level, ptr, len) { console.log(decoder.decode(memory().subarray(ptr, ptr + len))); },
    fetch() { return -1; },
    response_head() { return -1; },
    response_body() { return -1; },
    response_close() {},
  },
});
exports = instance.exports;
if (exports._initialize) wasi.initialize(instance);

function write(bytes) {
  const ptr = exports.valor_alloc(bytes.length);
  memory().set(bytes, ptr);
  return ptr;
}

if (exports.valor_init) {
  const c = encoder.encode(config);
  exports.valor_init(c.length ? write(c) : 0, c.length);
}

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    let head = `${req.method} ${req.url}\n`;
    for (let i = 0; i < req.rawHeaders.length; i += 2) head += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\n`;
    const h = encoder.encode(head);
    const hp = write(h);
    const bp = body.length ? write(body) : 0;
    response = null;
    const rc = exports.valor_handle(hp, h.length, bp, body.length);
    if (rc !== 0 || !response) {
      res.writeHead(500).end();
      return;
    }
    const lines = response.head.split('\n');
    const headers = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    res.writeHead(parseInt(lines[0], 10), headers);
    res.end(response.body);
  });
}).listen(Number(port), '127.0.0.1', () => console.log(`serving ${file} on http://127.0.0.1:${port}/`));
