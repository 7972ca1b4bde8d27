// Latency of a call from a page: answered in the browser by the kit vs sent to the server
// (valor.serverOnly), same page, same request, sequential calls, medians and p99.
//
//   node bench/browser.mjs http://127.0.0.1:8080     (a runtime started with examples/plugins.json)
// Needs Debian's chromium and playwright-core (scripts/setup.sh installs both).
import { chromium } from '../valor.distribution/src/test/browser/node_modules/playwright-core/index.mjs';

const base = process.argv[2] || 'http://127.0.0.1:8080';
const paths = ['/hello_js', '/handler_js/x', '/hello_wasm', '/alice_wasm?who=Bob', '/wagi/x?y=1'];
const N = 500;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
const page = await browser.newPage();
await page.goto(base + '/web');
await page.evaluate(() => valor.ready);
console.log('| call | in the browser: p50 / p99 (ms) | from the server: p50 / p99 (ms) |');
console.log('|---|---|---|');
for (const path of paths) {
  const row = [];
  for (const serverOnly of [false, true]) {
    const times = await page.evaluate(async ([path, n, serverOnly]) => {
      valor.serverOnly = serverOnly;
      const t = [];
      for (let i = 0; i < n + 50; i++) {
        const start = performance.now();
        const r = await fetch(path);
        await r.arrayBuffer();
        if (i >= 50) t.push(performance.now() - start);
      }
      valor.serverOnly = false;
      return t.sort((a, b) => a - b);
    }, [path, N, serverOnly]);
    row.push(times[Math.floor(N / 2)].toFixed(2) + ' / ' + times[Math.floor(N * 0.99)].toFixed(2));
  }
  console.log('| `' + path + '` | ' + row.join(' | ') + ' |');
}
await browser.close();
