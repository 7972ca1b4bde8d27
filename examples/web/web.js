// The browser kit's demo page, served by a plugin of its own at /web. Each button calls an
// example plugin; the answer shows who produced it: the browser (the service worker ran the
// plugin's file in the page) or the server. "Server only" sends everything to the server.
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Valor in the browser</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem; max-width: 50rem; }
  button { margin: 0 .5rem .5rem 0; }
  pre { background: #f4f4f4; padding: .5rem; white-space: pre-wrap; }
  .browser { color: #06c; } .server { color: #a50; }
</style>
<script src="/_valor/kit.js"></script>
</head>
<body>
<h1>Valor in the browser</h1>
<p id="status">Starting the service worker…</p>
<label><input type="checkbox" id="server-only"> Server only</label>
<p>
  <button data-path="/hello_js">hello_js (JS worker)</button>
  <button data-path="/alice_js?who=Bob">alice_js (JS worker, config)</button>
  <button data-path="/handler_js/echo" data-method="POST">handler_js (JS module)</button>
  <button data-path="/hello_wasm">hello_wasm (C, reactor ABI)</button>
  <button data-path="/alice_wasm?who=Bob">alice_wasm (C, config and state)</button>
  <button data-path="/hello_as">hello_as (AssemblyScript)</button>
  <button data-path="/wagi/x?y=1">wagi (C, WAGI)</button>
  <button data-path="/hello">hello (Java: server only)</button>
</p>
<div id="answers"></div>
<script>
  const status = document.getElementById('status');
  valor.ready.then(() => { status.textContent = 'The service worker controls this page.'; },
    e => { status.textContent = 'No service worker: ' + e.message; });
  document.getElementById('server-only').addEventListener('change', e => { valor.serverOnly = e.target.checked; });
  for (const button of document.querySelectorAll('button[data-path]')) {
    button.addEventListener('click', async () => {
      const method = button.dataset.method || 'GET';
      const response = await fetch(button.dataset.path, { method, body: method === 'POST' ? 'from the page' : undefined });
      const by = response.headers.get('x-valor-served-by') === 'browser' ? 'browser' : 'server';
      const answer = document.createElement('pre');
      answer.className = by;
      answer.textContent = method + ' ' + button.dataset.path + ' → ' + response.status + ' from the ' + by
        + ' (' + response.headers.get('x-valor-plugin') + ')\\n' + await response.text();
      document.getElementById('answers').prepend(answer);
    });
  }
</script>
</body>
</html>
`;

onmessage = () => {
  postMessage({ status: 200, headers: [['content-type', 'text/html; charset=utf-8']], body: page });
};
