// The browser kit in real Chromium (Debian's, driven by playwright-core): the same plugin files
// answer in the page as on the server, keep answering with the server stopped, and a runaway
// one is cut at its deadline while the page stays responsive.
//
//   node browser.test.mjs DIST   (DIST: an unpacked distribution of our own; BrowserIT makes one)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const dist = process.argv[2];
let server, base, browser, page;

const freePort = () => new Promise(resolve => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

function startServer(port) {
  const child = spawn(join(dist, 'bin/valor'), ['-p', join(dist, 'examples/plugins.json'), '--port', String(port)],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('not ready in 60 s:\n' + out)), 60_000);
    child.stdout.on('data', chunk => {
      out += chunk;
      if (out.includes('Valor serving on ')) { clearTimeout(timer); resolve(child); }
    });
    child.on('exit', code => reject(new Error('the runtime exited with ' + code + ':\n' + out)));
  });
}

/** What the server answers, as a browser would compare it. */
async function fromServer(path, init = {}) {
  const r = await fetch(base + path, init);
  return { status: r.status, body: await r.text(), plugin: r.headers.get('x-valor-plugin'),
    correlation: r.headers.get('x-correlation-id'), by: r.headers.get('x-valor-served-by') };
}

/** What the page's fetch answers, through the service worker. */
function fromPage(path, init = {}) {
  return page.evaluate(async ([path, init]) => {
    const r = await fetch(path, init);
    return { status: r.status, body: await r.text(), plugin: r.headers.get('x-valor-plugin'),
      correlation: r.headers.get('x-correlation-id'), by: r.headers.get('x-valor-served-by') };
  }, [path, init]);
}

async function eventually(what, check, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    try { return await check(); } catch (e) { if (Date.now() > end) throw new Error(what + ': ' + e.message); }
    await new Promise(r => setTimeout(r, 100));
  }
}

before(async () => {
  writeFileSync(join(dist, 'deploy/spin_js.js'), 'onmessage = () => { for (;;) { } };\n');
  writeFileSync(join(dist, 'deploy/spin_js.json'), '{"browser": true, "limits": {"timeout_ms": 700}}');
  // A reactor module whose valor_handle never returns: (loop (br 0)), assembled by hand.
  writeFileSync(join(dist, 'deploy/spin_wasm.wasm'), Buffer.from('0061736d01000000010e0260017f017f60047f7f7f7f017f'
    + '03030200010503010001072703066d656d6f727902000b76616c6f725f616c6c6f6300000c76616c6f725f68616e646c650001'
    + '0a110205004180080b090003400c000b41000b', 'hex'));
  writeFileSync(join(dist, 'deploy/spin_wasm.json'), '{"browser": true, "limits": {"timeout_ms": 700}}');
  writeFileSync(join(dist, 'deploy/throws_js.js'), "onmessage = () => { throw new Error('secret-123'); };\n");
  writeFileSync(join(dist, 'deploy/throws_js.json'), '{"browser": true}');
  writeFileSync(join(dist, 'deploy/inner_js.js'), "onmessage = () => postMessage({ status: 200, body: 'inner, on the server' });\n");
  writeFileSync(join(dist, 'deploy/inner_js.json'), '{"prefix": "hello_js/inner"}');
  writeFileSync(join(dist, 'deploy/swap_js.js'), "onmessage = () => postMessage({ status: 200, body: 'one' });\n");
  writeFileSync(join(dist, 'deploy/swap_js.json'), '{"browser": true}');
  // A stream that gives its first line at once and its last 800 ms later, in both styles.
  const slowStream = "new ReadableStream({ async start(c) { const e = new TextEncoder(); c.enqueue(e.encode('first\\n'));"
    + " await new Promise(r => setTimeout(r, 800)); c.enqueue(e.encode('last\\n')); c.close(); } })";
  writeFileSync(join(dist, 'deploy/stream_module_js.mjs'), 'export default { fetch: (request, env, ctx) => {'
    + ' ctx.waitUntil(Promise.resolve()); ctx.passThroughOnException();'
    + ' return new Response(' + slowStream + ", { headers: { 'content-type': 'text/plain' } }); } };\n");
  writeFileSync(join(dist, 'deploy/stream_module_js.json'), '{"browser": true}');
  writeFileSync(join(dist, 'deploy/stream_worker_js.js'), 'onmessage = () => postMessage({ status: 200, body: ' + slowStream + ' });\n');
  writeFileSync(join(dist, 'deploy/stream_worker_js.json'), '{"browser": true}');
  const port = await freePort();
  base = 'http://127.0.0.1:' + port;
  server = await startServer(port);
  await eventually('spin_js and swap_js deployed', async () => {
    assert.equal((await fromServer('/swap_js')).body, 'one');
    assert.equal((await fromServer('/spin_js')).status, 504);
    assert.equal((await fromServer('/spin_wasm')).status, 504);
    assert.equal((await fromServer('/throws_js')).status, 500);
    assert.equal((await fromServer('/hello_js/inner')).body, 'inner, on the server');
    assert.equal((await fromServer('/stream_module_js')).body, 'first\nlast\n');
    assert.equal((await fromServer('/stream_worker_js')).body, 'first\nlast\n');
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  page = await browser.newPage();
  page.on('console', m => { if (m.type() === 'error') console.error('page:', m.text()); });
  await page.goto(base + '/web');
  await page.evaluate(() => valor.ready);
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGKILL');
});

test('should answer each example plugin in the browser exactly as the server does', async () => {
  const calls = [
    ['/hello_js', {}],
    ['/alice_js?who=Bob', {}],
    ['/alice_js', {}],
    ['/handler_js/echo', { method: 'POST', body: 'from the page' }],
    ['/hello_wasm', {}],
    ['/alice_wasm?who=Bob', {}],
    ['/alice_wasm', {}],
    ['/hello_as', {}],
    ['/hello_rust', {}],
    ['/hello_rust/any/path?x=1', {}],
    ['/wagi/a/b?x=1', {}],
    ['/wagi/post', { method: 'POST', body: 'from the page' }],
  ];
  for (const [path, init] of calls) {
    // The same request from the same page, once answered by the server and once in the browser.
    await page.evaluate(() => { valor.serverOnly = true; });
    const server = await fromPage(path, init);
    await page.evaluate(() => { valor.serverOnly = false; });
    const browser = await fromPage(path, init);
    assert.equal(server.by, null, path);
    assert.equal(browser.by, 'browser', path + ' was not answered in the browser');
    assert.deepEqual({ status: browser.status, body: browser.body, plugin: browser.plugin },
      { status: server.status, body: server.body, plugin: server.plugin }, path);
  }
});

for (const path of ['/stream_module_js', '/stream_worker_js']) test('should stream an answer to the page chunk by chunk, as the server does: ' + path, async () => {
  for (const serverOnly of [false, true]) {
    await page.evaluate(s => { valor.serverOnly = s; }, serverOnly);
    const r = await page.evaluate(async path => {
      const start = performance.now();
      const response = await fetch(path);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const chunks = [];
      for (let c = await reader.read(); !c.done; c = await reader.read()) chunks.push([c.value, performance.now() - start]);
      return { by: response.headers.get('x-valor-served-by'), status: response.status, chunks };
    }, path);
    await page.evaluate(() => { valor.serverOnly = false; });
    const where = serverOnly ? 'from the server' : 'in the browser';
    assert.equal(r.by, serverOnly ? null : 'browser', path + ' ' + where);
    assert.equal(r.status, 200);
    assert.equal(r.chunks.map(c => c[0]).join(''), 'first\nlast\n', where);
    const first = r.chunks[0], end = r.chunks[r.chunks.length - 1][1];
    assert.equal(first[0], 'first\n', where + ': the first line arrives alone');
    assert.ok(end - first[1] >= 600, where + ': the first line came ' + Math.round(end - first[1]) + ' ms before the end, not 800');
  }
});

test("should keep the page's key-value store in the page, shared by its plugins, apart from the server's", async () => {
  // A note written by the JavaScript plugin in the page is read by the WebAssembly one in the page.
  await fromPage('/notes_wasm/warm'); // its Worker is running, with its mirror of the store, before the write
  const posted = await fromPage('/notes/local1', { method: 'POST', body: '{"in":"page"}' });
  assert.deepEqual([posted.status, posted.by], [201, 'browser']);
  await eventually('the wasm plugin sees the write', async () =>
    assert.deepEqual(await fromPage('/notes_wasm/local1').then(r => [r.status, r.body, r.by]), [200, '{"in":"page"}', 'browser']));
  const listed = await fromPage('/notes_wasm/');
  assert.deepEqual(JSON.parse(listed.body), { notes: ['local1'], cursor: null });
  assert.equal((await fromPage('/notes/local1', { method: 'POST', body: 'again' })).status, 409);
  // The visitor's own: the server never saw it, and the page does not see the server's.
  assert.equal((await fromServer('/notes/local1')).status, 404);
  assert.equal((await fromServer('/notes/server1', { method: 'POST', body: '{}' })).status, 201);
  assert.equal((await fromPage('/notes/server1')).status, 404);
  assert.equal((await fromPage('/notes/local1', { method: 'DELETE' })).status, 204);
  assert.equal((await fromPage('/notes/local1')).status, 404);
});

test('should answer 500 for a thrown error without leaking it, as the server does', async () => {
  const server = await fromServer('/throws_js');
  const browser = await fromPage('/throws_js');
  assert.equal(server.status, 500);
  assert.equal(browser.status, 500);
  assert.equal(browser.by, 'browser');
  assert.ok(!browser.body.includes('secret-123'), browser.body);
  assert.equal(JSON.parse(browser.body).requestId, browser.correlation);
  assert.equal((await fromPage('/hello_js')).status, 200);
});

test('should carry x-request-id into x-correlation-id as the server does', async () => {
  const init = { headers: { 'x-request-id': 'req-42' } };
  assert.equal((await fromServer('/hello_js', init)).correlation, 'req-42');
  assert.equal((await fromPage('/hello_js', init)).correlation, 'req-42');
});

test('should leave plugins that did not opt in, and Java bundles, to the server', async () => {
  const java = await fromPage('/hello');
  assert.equal(java.by, null);
  assert.equal(java.body, 'OK response from a plugin');
  assert.equal((await fromPage('/combine_js?who=Bob')).by, null);
  // A longer prefix the server keeps wins over an opted-in one, as in the server's router.
  assert.deepEqual(await fromPage('/hello_js/inner/x').then(r => [r.body, r.by]), ['inner, on the server', null]);
  assert.equal((await fromPage('/hello_js/other')).by, 'browser');
  const unknown = await fromPage('/no_such_plugin/x');
  assert.deepEqual([unknown.status, unknown.by, JSON.parse(unknown.body).error], [404, null, 'no plugin serves /no_such_plugin/x']);
});

test('should send everything to the server when the page asks for server only', async () => {
  await page.evaluate(() => { valor.serverOnly = true; });
  try {
    const r = await fromPage('/hello_js');
    assert.equal(r.by, null);
    assert.equal(r.body, 'OK response from a plugin');
  } finally {
    await page.evaluate(() => { valor.serverOnly = false; });
  }
});

for (const spin of ['/spin_js', '/spin_wasm']) test('should cut a runaway plugin at its deadline while the page stays responsive: ' + spin, async () => {
  const started = Date.now();
  const spinning = fromPage(spin);
  await new Promise(r => setTimeout(r, 200));
  const tick = Date.now();
  assert.equal(await page.evaluate(() => 6 * 7), 42);
  assert.ok(Date.now() - tick < 500, 'the page answered in ' + (Date.now() - tick) + ' ms while the plugin spun');
  assert.equal((await fromPage('/hello_js')).status, 200, 'another plugin answers meanwhile');
  const r = await spinning;
  const ms = Date.now() - started;
  assert.equal(r.status, 504);
  assert.equal(r.by, 'browser');
  assert.ok(ms >= 650 && ms < 3000, 'answered after ' + ms + ' ms');
  assert.equal((await fromPage(spin)).status, 504, 'a fresh worker spins again and is cut again');
});

test('should pick up a plugin hot-swapped on the server at the next update check', async () => {
  assert.deepEqual(await fromPage('/swap_js').then(r => [r.body, r.by]), ['one', 'browser']);
  // A reactor module whose valor_handle never returns: (loop (br 0)), assembled by hand.
  writeFileSync(join(dist, 'deploy/spin_wasm.wasm'), Buffer.from('0061736d01000000010e0260017f017f60047f7f7f7f017f'
    + '03030200010503010001072703066d656d6f727902000b76616c6f725f616c6c6f6300000c76616c6f725f68616e646c650001'
    + '0a110205004180080b090003400c000b41000b', 'hex'));
  writeFileSync(join(dist, 'deploy/spin_wasm.json'), '{"browser": true, "limits": {"timeout_ms": 700}}');
  writeFileSync(join(dist, 'deploy/swap_js.js'), "onmessage = () => postMessage({ status: 200, body: 'two' });\n");
  await eventually('the server serves the new version', async () => assert.equal((await fromServer('/swap_js')).body, 'two'));
  await page.evaluate(() => valor.update());
  assert.deepEqual(await fromPage('/swap_js').then(r => [r.body, r.by]), ['two', 'browser']);
});

test('should send the calls of a page without the kit, and navigations, to the server', async () => {
  const other = await browser.newPage();
  try {
    const nav = await other.goto(base + '/alice_js?who=Tab');
    assert.equal(await nav.text(), 'Alice says hello Tab!');
    assert.equal(nav.headers()['x-valor-served-by'], undefined, 'a navigation is the server\'s');
    const r = await other.evaluate(async () => {
      const r = await fetch('/hello_js');
      return [r.status, await r.text(), r.headers.get('x-valor-served-by')];
    });
    assert.deepEqual(r, [200, 'OK response from a plugin', null]);
    const again = await other.evaluate(async () => {
      const start = performance.now();
      const r = await fetch('/hello_js');
      return [r.headers.get('x-valor-served-by'), performance.now() - start];
    });
    assert.equal(again[0], null);
    assert.ok(again[1] < 500, 'the second call waited ' + again[1] + ' ms: only the first waits for the page');
  } finally {
    await other.close();
  }
});

test('should keep answering opted-in plugins with the server stopped', async () => {
  server.kill('SIGKILL');
  await new Promise(resolve => server.once('exit', resolve));
  server = null;
  await assert.rejects(fetch(base + '/_health'), 'the server is down');
  assert.deepEqual(await fromPage('/hello_js').then(r => [r.status, r.body, r.by]),
    [200, 'OK response from a plugin', 'browser']);
  const echo = await fromPage('/handler_js/echo', { method: 'POST', body: 'offline' });
  assert.equal(echo.status, 200);
  assert.equal(JSON.parse(echo.body).echo, 'offline');
  assert.deepEqual(await fromPage('/alice_wasm?who=Offline').then(r => [r.status, r.body, r.by]),
    [200, 'Alice says hello Offline!', 'browser']);
  const wagi = await fromPage('/wagi/offline');
  assert.equal(wagi.by, 'browser');
  assert.ok(wagi.body.includes('path=/offline'), wagi.body);
  // What no plugin serves is the server's 404, answered by the kit; a server-only plugin is unreachable.
  const unknown = await fromPage('/no_such_plugin/x', { headers: { 'x-request-id': 'offline-1' } });
  assert.deepEqual([unknown.status, unknown.by, unknown.correlation], [404, 'browser', 'offline-1']);
  assert.deepEqual(JSON.parse(unknown.body), { error: 'no plugin serves /no_such_plugin/x', requestId: 'offline-1' });
  await assert.rejects(page.evaluate(() => fetch('/hello').then(r => r.status)), 'a Java plugin cannot answer offline');
});
