// Valor's service worker: answers the opted-in plugins' prefixes in the browser, from the very
// files the server runs. The plugins themselves run in Workers the page owns (kit.js), so a
// runaway one can be terminated; this worker routes, adds Valor's headers and keeps the
// manifest and plugin files in Cache Storage for when the server cannot be reached.
const MANIFEST = '/_valor/manifest.json';
const CACHE = 'valor-kit';
const GRACE_MS = 1000;
const ACK_MS = 1000;
/** Pages that never acknowledged a call: they have no kit. */
const withoutKit = new Set();
let manifest = null;

const SCRIPTS = ['/_valor/kit.js', '/_valor/js-worker.js', '/_valor/js-module.js', '/_valor/wasm-worker.js'];

self.addEventListener('install', event => {
  event.waitUntil(caches.open(CACHE).then(cache => cache.addAll(SCRIPTS)).catch(() => null)
    .then(() => refresh()).catch(() => null).then(() => self.skipWaiting()));
});
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()));
self.addEventListener('message', event => {
  if (event.data && event.data.type === 'valor:claim') event.waitUntil(self.clients.claim());
  if (event.data && event.data.type === 'valor:update') {
    event.waitUntil(refresh().then(m => event.source.postMessage({ type: 'valor:manifest', manifest: m }),
      e => event.source.postMessage({ type: 'valor:manifest', error: String(e) })));
  }
});

/** The manifest from the server (and its plugin files into the cache), or the cached one offline. */
async function refresh() {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(MANIFEST, { cache: 'no-store' });
    if (!response.ok) throw new Error('manifest: HTTP ' + response.status);
    const fresh = await response.clone().json();
    await Promise.all(fresh.plugins.map(async p => {
      if (!(await cache.match(p.url))) {
        const file = await fetch(p.url);
        if (file.ok) await cache.put(p.url, file);
      }
    }));
    await cache.put(MANIFEST, response);
    manifest = fresh;
    checked = Date.now();
  } catch (e) {
    const cached = await cache.match(MANIFEST);
    if (!cached) throw e;
    manifest = await cached.json();
  }
  return manifest;
}

/** After a restart of this worker: the cached manifest at once, refreshed in the background. */
async function currentManifest() {
  if (manifest) return manifest;
  const cached = await (await caches.open(CACHE)).match(MANIFEST);
  if (!cached) return refresh();
  manifest = await cached.json();
  checked = 0; // the next call checks for new versions
  return manifest;
}

const claims = (prefix, path) => path === '/' + prefix || path.startsWith('/' + prefix + '/');

/**
 * The browser plugin whose prefix claims the path, by whole segments, longest first; or null,
 * also when a longer prefix the server keeps (listed in the manifest) claims it.
 */
function match(m, path) {
  let best = null;
  for (const p of m.plugins) {
    if (claims(p.prefix, path) && (!best || p.prefix.length > best.plugin.prefix.length)) {
      best = { plugin: p, path: path.length > p.prefix.length + 1 ? path.slice(p.prefix.length + 1) : '/' };
    }
  }
  if (best && (m.routes || []).some(r => r.length > best.plugin.prefix.length && claims(r, path))) return null;
  return best;
}

const MAX_AGE_MS = 5000;
let checked = 0;

self.addEventListener('fetch', event => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || event.request.mode === 'navigate') return;
  if (event.request.method !== 'GET' && url.pathname.startsWith('/_valor/')) return;
  if (url.pathname.startsWith('/_valor/')) {
    event.respondWith(kitFile(event.request, url));
    return;
  }
  if (manifest && Date.now() - checked > MAX_AGE_MS) { // the update check: a hot swap is a new URL
    checked = Date.now();
    event.waitUntil(refresh().catch(() => null));
  }
  if (manifest && !match(manifest, url.pathname)) {
    // Under no prefix the server routes, the server answers 404: offline, the kit answers it.
    if (!(manifest.routes || []).some(r => claims(r, url.pathname))) {
      event.respondWith(fetch(event.request).catch(() => notFound(event.request, url.pathname)));
    }
    return; // otherwise straight to the network
  }
  event.respondWith(answer(event, url));
});

/** A cached plugin file only if its content still has the hash its name says. */
async function verified(cache, request, url) {
  const hit = await cache.match(request);
  if (!hit) return null;
  const expected = url.pathname.slice(url.pathname.lastIndexOf('/') + 1).replace(/\..*$/, '');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await hit.clone().arrayBuffer()));
  const actual = [...digest].map(b => b.toString(16).padStart(2, '0')).join('');
  if (actual === expected) return hit;
  await cache.delete(request);
  return null;
}

/** Plugin files never change under their URL: cache first. The kit's own: network first. */
async function kitFile(request, url) {
  const cache = await caches.open(CACHE);
  const plugin = url.pathname.startsWith('/_valor/plugins/');
  if (plugin) {
    const hit = await verified(cache, request, url);
    if (hit) return hit;
  }
  const cached = () => (plugin ? verified(cache, request, url) : cache.match(request, { ignoreSearch: true }));
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
      return response;
    }
    return (response.status >= 500 && await cached()) || response;
  } catch (e) {
    const hit = await cached();
    if (hit) return hit;
    throw e;
  }
}

async function answer(event, url) {
  let m;
  try {
    m = await currentManifest();
  } catch (e) {
    return fetch(event.request);
  }
  const found = match(m, url.pathname);
  if (!found || event.request.mode === 'navigate') return fetch(event.request);
  // The plugins' Workers belong to a page: a call from a Worker (a plugin calling another) is
  // answered through a page too.
  let client = await self.clients.get(event.clientId);
  if (!client || client.type !== 'window') {
    client = (await self.clients.matchAll({ type: 'window' })).find(c => !withoutKit.has(c.id));
  }
  if (!client || withoutKit.has(client.id)) return fetch(event.request);
  const request = event.request;
  const requestId = safeRequestId(request);
  const body = request.method === 'GET' || request.method === 'HEAD' ? null : await request.clone().arrayBuffer();
  const message = {
    type: 'valor:request',
    plugin: found.plugin,
    request: { url: request.url, method: request.method, headers: [...request.headers], body },
  };
  const reply = await new Promise(resolve => {
    const channel = new MessageChannel();
    // A page without the kit never acknowledges: its calls go to the server after a moment.
    let timer = setTimeout(() => {
      withoutKit.add(client.id); // its later calls go to the network at once
      resolve({ passthrough: true });
    }, ACK_MS);
    channel.port1.onmessage = e => {
      clearTimeout(timer);
      if (e.data && e.data.ack) {
        timer = setTimeout(() => resolve({ status: 504, error: 'the page did not answer' }),
          found.plugin.timeout_ms + GRACE_MS);
      } else {
        resolve(e.data);
      }
    };
    client.postMessage(message, [channel.port2]);
  });
  if (reply.passthrough) return fetch(event.request);
  try {
    return respond(reply, found.plugin, requestId, request.method);
  } catch (e) { // a status or header no HTTP response may carry
    console.error('[' + found.plugin.name + ']', e);
    return respond({ status: 500, error: 'failed' }, found.plugin, requestId, request.method);
  }
}

/** The server's 404 for a path no plugin serves, as the kit gives it when the server is away. */
function notFound(request, path) {
  const requestId = safeRequestId(request);
  return new Response(JSON.stringify({ error: 'no plugin serves ' + path, requestId }), {
    status: 404,
    headers: { 'content-type': 'application/json', 'x-correlation-id': requestId, 'x-valor-served-by': 'browser' },
  });
}

/** As the server: a client's id only when short and of safe characters. */
function safeRequestId(request) {
  const given = request.headers.get('x-request-id');
  return given && /^[A-Za-z0-9._:\/+=-]{1,128}$/.test(given) ? given : crypto.randomUUID();
}

function respond(reply, plugin, requestId, method) {
  const failed = reply.error !== undefined;
  if (!failed && !(Number.isInteger(reply.status) && reply.status >= 200 && reply.status <= 599)) {
    throw new TypeError('invalid status ' + reply.status);
  }
  const headers = new Headers(failed ? [['content-type', 'application/json']] : reply.headers || []);
  headers.set('x-valor-plugin', plugin.name);
  headers.set('x-correlation-id', requestId);
  headers.set('x-valor-served-by', 'browser');
  const payload = failed ? JSON.stringify({ error: reply.error, requestId }) : reply.body;
  const empty = [204, 205, 304].includes(reply.status) || method === 'HEAD';
  return new Response(empty ? null : payload ?? null, { status: reply.status, headers });
}
