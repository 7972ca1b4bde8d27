// Node 20's peer of Valor's Redis store: node:http doing what a notes plugin does with the store,
// through the redis npm client (one connection, pipelined: the client's own way).
// GET /KEY reads note:KEY, PUT /KEY writes the body there.  node server.mjs PORT redis://HOST:PORT/DB
import http from 'node:http';
import { createClient } from 'redis';

const [port, url] = process.argv.slice(2);
const redis = createClient({ url });
await redis.connect();
http.createServer(async (req, res) => {
  const key = 'note:' + decodeURIComponent(req.url.slice(1));
  if (req.method === 'PUT') {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    await redis.set(key, body);
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  } else {
    const value = await redis.get(key);
    if (value === null) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(value);
  }
}).listen(Number(port), '127.0.0.1', () => console.log(`Node peer serving on http://127.0.0.1:${port}/`));
