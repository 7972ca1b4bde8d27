// What each app answers to requests.json under Node 20's own web platform, one JSON object per
// request (status, the compared headers, the body): FrameworkAppsIT expects Valor's to be the same.
// Usage: node node-answers.mjs BUNDLE_DIR
import { readFileSync } from 'node:fs';
const dir = process.argv[2];
const { compare, requests } = JSON.parse(readFileSync(new URL('./requests.json', import.meta.url)));
const apps = {
  hono: (await import(`${dir}/hono-app.mjs`)).default,
  itty: (await import(`${dir}/itty-app.mjs`)).default,
};
const answers = [];
for (const row of requests) {
  const headers = { ...row.headers };
  if (row.etagFrom !== undefined) headers['if-none-match'] = answers[row.etagFrom].headers.etag;
  const request = new Request('http://localhost' + row.path, { method: row.method, headers, body: row.body });
  const r = await apps[row.app].fetch(request, {}, { waitUntil() {}, passThroughOnException() {} });
  const picked = {};
  for (const name of compare) if (r.headers.get(name) !== null) picked[name] = r.headers.get(name);
  answers.push({ status: r.status, headers: picked, body: await r.text() });
}
process.stdout.write(JSON.stringify(answers, null, 1));
