// Runs a worker-style plugin in a dedicated Worker, as the server does: the same globals
// (self.valor with its name, config and granted stores), then the plugin's own file, unchanged.
const params = new URL(self.location.href).searchParams;
importScripts('/_valor/kv.js');
const granted = JSON.parse(params.get('kv') || '[]');
self.valor = Object.freeze({ name: params.get('name'), config: JSON.parse(params.get('config')), kv: name => {
  if (!granted.includes(String(name))) throw new TypeError(`the store '${name}' is not granted to this plugin (grant it in capabilities.kv)`);
  return valorKv.store(String(name));
} });
// Only the kit's own plugin files, from this origin.
function pluginUrl(url) {
  const u = new URL(url, self.location.href);
  if (u.origin !== self.location.origin || !u.pathname.startsWith('/_valor/plugins/')) throw new Error('not a plugin file: ' + url);
  return u.href;
}
// A stream cannot be cloned, only transferred: postMessage({ body: stream }) works as on the server.
// Where a browser cannot transfer streams the body is read whole first.
const post = self.postMessage.bind(self);
self.postMessage = (message, transfer) => {
  const body = message && message.body;
  if (transfer !== undefined || !(body instanceof ReadableStream)) return post(message, transfer);
  try {
    post(message, [body]);
  } catch (e) {
    new Response(body).arrayBuffer().then(bytes => post({ ...message, body: bytes }, [bytes]),
      failure => { console.error(failure); post({ status: 500, error: 'failed' }); }); // as a stream failing before its first chunk
  }
};
importScripts(pluginUrl(params.get('url')));
