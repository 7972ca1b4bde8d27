// Valor's browser kit: one script tag. Registers the service worker (sw.js) and runs the
// plugins it hands over in dedicated Workers, one request at a time each, with the plugin's
// deadline: past it the Worker is terminated (the page stays responsive) and the answer is 504.
//
//   <script src="/_valor/kit.js"></script>
//   await valor.ready;           // the service worker controls the page
//   valor.serverOnly = true;     // send everything to the server
//   await valor.update();        // check for new plugin versions now
(() => {
  const runners = new Map(); // plugin name -> Runner of its current version

  class Runner {
    constructor(plugin) {
      this.plugin = plugin;
      this.worker = null;
      this.queue = Promise.resolve();
    }

    spawn() {
      const p = this.plugin;
      const query = new URLSearchParams({ name: p.name, url: p.url, config: JSON.stringify(p.config ?? null),
        kv: JSON.stringify(p.kv ?? []) });
      if (p.type === 'wasm') return new Worker('/_valor/wasm-worker.js?' + new URLSearchParams({ plugin: JSON.stringify(p) }));
      return p.style === 'module'
        ? new Worker('/_valor/js-module.js?' + query, { type: 'module' })
        : new Worker('/_valor/js-worker.js?' + query);
    }

    call(request) {
      const received = Date.now(); // time spent waiting for the Worker counts toward the deadline
      const run = this.queue.then(() => this.once(request, received));
      this.queue = run.catch(() => null);
      return run;
    }

    once(request, received) {
      const ms = this.plugin.timeout_ms - (Date.now() - received);
      if (ms <= 0) return Promise.resolve({ status: 504, error: 'waited past its ' + this.plugin.timeout_ms + ' ms deadline' });
      let worker;
      try {
        worker = this.worker || (this.worker = this.spawn());
      } catch (e) {
        return Promise.resolve({ status: 500, error: String(e.message || e) });
      }
      return new Promise(resolve => {
        const drop = () => { worker.terminate(); if (this.worker === worker) this.worker = null; };
        const done = reply => { clearTimeout(timer); worker.onmessage = null; worker.onerror = null; resolve(reply); };
        const timer = setTimeout(() => {
          drop();
          done({ status: 504, error: 'ran past its ' + this.plugin.timeout_ms + ' ms deadline' });
        }, ms);
        worker.onmessage = e => {
          const r = reply(e.data);
          if (r.error !== undefined) drop(); // as on the server: a failed instance is not reused
          done(r);
        };
        worker.onerror = e => { e.preventDefault(); drop(); done({ status: 500, error: 'failed' }); };
        worker.postMessage(request);
      });
    }

    close() {
      if (this.worker) this.worker.terminate();
      this.worker = null;
    }
  }

  /** A Worker's answer as the service worker takes it: status, header pairs, a string or bytes. */
  function reply(m) {
    // An answer of the wrong shape is the plugin's error, as on the server: a 500, the reason in the console.
    if (m === null || typeof m !== 'object' || Array.isArray(m)) {
      console.error('[valor] postMessage takes an answer, {status, headers, body}, not ' + (m === null ? 'null' : typeof m));
      return { status: 500, error: 'failed' };
    }
    const message = m;
    if (message.error !== undefined) return { status: message.status || 500, error: message.error };
    const headers = [];
    for (const [k, v] of (message.headers || [])) headers.push([String(k), String(v)]);
    let body = message.body ?? null;
    if (ArrayBuffer.isView(body)) body = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
    else if (body !== null && typeof body !== 'string' && !(body instanceof ArrayBuffer) && !(body instanceof Blob)
      && !(body instanceof ReadableStream)) {
      console.error("[valor] an answer's body is null, a string, an ArrayBuffer, a typed array, a Blob or a stream, not " + typeof body);
      return { status: 500, error: 'failed' };
    }
    return { status: message.status ?? 200, headers, body };
  }

  function runner(plugin) {
    let r = runners.get(plugin.name);
    if (!r || r.plugin.version !== plugin.version) { // a hot swap on the server: a new version here too
      if (r) { const old = r; old.queue.then(() => old.close()); } // what it has queued still finishes
      r = new Runner(plugin);
      runners.set(plugin.name, r);
    }
    return r;
  }

  const kit = {
    serverOnly: false,
    ready: null,
    /** Asks the service worker to check for new plugin versions; resolves to the manifest. */
    update() {
      return new Promise((resolve, reject) => {
        const sw = navigator.serviceWorker.controller;
        if (!sw) { reject(new Error('no service worker controls this page')); return; }
        const listen = e => {
          if (!e.data || e.data.type !== 'valor:manifest') return;
          navigator.serviceWorker.removeEventListener('message', listen);
          if (e.data.error) reject(new Error(e.data.error)); else resolve(e.data.manifest);
        };
        navigator.serviceWorker.addEventListener('message', listen);
        sw.postMessage({ type: 'valor:update' });
      });
    },
  };
  window.valor = kit;

  if (!('serviceWorker' in navigator)) {
    kit.ready = Promise.reject(new Error('this browser has no service workers: every call goes to the server'));
    return;
  }
  navigator.serviceWorker.addEventListener('message', event => {
    if (!event.data || event.data.type !== 'valor:request') return;
    const port = event.ports[0];
    if (kit.serverOnly) { port.postMessage({ passthrough: true }); return; }
    port.postMessage({ ack: true });
    runner(event.data.plugin).call(event.data.request).then(r => port.postMessage(r, r.body instanceof ReadableStream ? [r.body] : []),
      e => port.postMessage({ status: 500, error: String(e && e.message || e) }));
  });
  navigator.serviceWorker.startMessages();
  kit.ready = navigator.serviceWorker.register('/_valor/sw.js', { scope: '/' })
    .then(() => navigator.serviceWorker.ready)
    .then(registration => navigator.serviceWorker.controller || new Promise(resolve => {
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true });
      // After a hard reload the worker is active but does not control the page until it claims it.
      registration.active.postMessage({ type: 'valor:claim' });
    }))
    .then(() => kit);
})();
