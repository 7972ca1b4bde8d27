// Runs a worker-style plugin in a dedicated Worker, as the server does: the same globals
// (self.valor with its name and config), then the plugin's own file, unchanged.
const params = new URL(self.location.href).searchParams;
self.valor = Object.freeze({ name: params.get('name'), config: JSON.parse(params.get('config')) });
importScripts(params.get('url'));
