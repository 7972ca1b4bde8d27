// Runs a module-style plugin in a module Worker: handler(request) or default.fetch(request),
// answered with a Response, as on the server.
import '/_valor/kv.js';
const params = new URL(self.location.href).searchParams;
const granted = JSON.parse(params.get('kv') || '[]');
const kv = name => {
  if (!granted.includes(String(name))) throw new TypeError(`the store '${name}' is not granted to this plugin (grant it in capabilities.kv)`);
  return valorKv.store(String(name));
};
self.valor = Object.freeze({ name: params.get('name'), config: JSON.parse(params.get('config')), kv });
// fetch(request, env, ctx): env has the granted stores under their names, as on the server.
const env = Object.freeze(Object.fromEntries(granted.map(n => [n, kv(n)])));
// Only the kit's own plugin files, from this origin.
function pluginUrl(url) {
  const u = new URL(url, self.location.href);
  if (u.origin !== self.location.origin || !u.pathname.startsWith('/_valor/plugins/')) throw new Error('not a plugin file: ' + url);
  return u.href;
}
// ctx as on the server: a dedicated Worker lives on, so waitUntil's work needs only its failure logged.
const context = () => Object.freeze({
  waitUntil(promise) { Promise.resolve(promise).catch(e => console.error(e)); },
  passThroughOnException() {},
});
const loaded = import(pluginUrl(params.get('url'))).then(m => {
  if (typeof m.handler === 'function') return r => m.handler(r, env, context());
  if (m.default && typeof m.default.fetch === 'function') return r => m.default.fetch(r, env, context());
  throw new TypeError('the module exports neither handler(request) nor default { fetch(request) }');
});
self.onmessage = async event => {
  const { url, method, headers, body } = event.data;
  try {
    const handler = await loaded;
    const response = await handler(new Request(url, { method, headers, body }));
    if (!(response instanceof Response)) throw new TypeError('the handler did not return a Response');
    // A body goes on as a transferred stream (Worker -> page -> service worker, each hop transferring
    // it): each chunk reaches the client as the plugin makes it, as on the server. Where a browser
    // cannot transfer streams it is read whole.
    const stream = response.body;
    let transferred = false;
    if (stream !== null) {
      try { self.postMessage({ status: response.status, headers: [...response.headers], body: stream }, [stream]); transferred = true; } catch (e) { /* no transferable streams here */ }
    }
    if (!transferred) self.postMessage({ status: response.status, headers: [...response.headers], body: await response.arrayBuffer() });
  } catch (e) {
    console.error(e); // the page's console, not the client: errors may hold secrets
    self.postMessage({ status: 500, error: 'failed' });
  }
};
