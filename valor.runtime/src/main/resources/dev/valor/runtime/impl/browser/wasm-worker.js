// Runs a WebAssembly plugin in a dedicated Worker with the same ABIs as the server
// (docs/wasm-abi.md): the Valor reactor ABI (one long-lived instance, initialised with the
// config) or WAGI (a fresh instance per request, CGI over a small WASI preview1 shim).
const params = new URL(self.location.href).searchParams;
const plugin = JSON.parse(params.get('plugin'));
const utf8 = new TextEncoder();
const text = new TextDecoder();
// Only the kit's own plugin files, from this origin.
function pluginUrl(url) {
  const u = new URL(url, self.location.href);
  if (u.origin !== self.location.origin || !u.pathname.startsWith('/_valor/plugins/')) throw new Error('not a plugin file: ' + url);
  return u.href;
}
const moduleReady = fetch(pluginUrl(plugin.url)).then(r => {
  if (!r.ok) throw new Error('cannot load ' + plugin.url + ': HTTP ' + r.status);
  return r.arrayBuffer();
}).then(bytes => WebAssembly.compile(bytes));

// ---- WASI preview1: arguments, environment, stdin, stdout/stderr, clocks, random; no files ----
const ERRNO = { SUCCESS: 0, BADF: 8, INVAL: 28, NOSYS: 52, SPIPE: 70, NOTCAPABLE: 76 };
class Exit extends Error {
  constructor(code) { super('exit ' + code); this.code = code; }
}

function wasi(io) {
  let memory;
  const view = () => new DataView(memory.buffer);
  const bytes = () => new Uint8Array(memory.buffer);
  const strings = list => list.map(s => utf8.encode(s + '\0'));
  const sizes = list => (countPtr, sizePtr) => {
    const enc = strings(list);
    view().setUint32(countPtr, enc.length, true);
    view().setUint32(sizePtr, enc.reduce((n, b) => n + b.length, 0), true);
    return ERRNO.SUCCESS;
  };
  const get = list => (ptrs, buf) => {
    let at = buf;
    strings(list).forEach((b, i) => {
      view().setUint32(ptrs + 4 * i, at, true);
      bytes().set(b, at);
      at += b.length;
    });
    return ERRNO.SUCCESS;
  };
  const env = Object.entries(io.env).map(([k, v]) => k + '=' + v);
  const impl = {
    args_sizes_get: sizes(io.args), args_get: get(io.args),
    environ_sizes_get: sizes(env), environ_get: get(env),
    fd_write(fd, iovs, count, written) {
      if (fd !== 1 && fd !== 2) return ERRNO.BADF;
      let n = 0;
      for (let i = 0; i < count; i++) {
        const ptr = view().getUint32(iovs + 8 * i, true);
        const len = view().getUint32(iovs + 8 * i + 4, true);
        (fd === 1 ? io.stdout : io.stderr).push(bytes().slice(ptr, ptr + len));
        n += len;
      }
      view().setUint32(written, n, true);
      return ERRNO.SUCCESS;
    },
    fd_read(fd, iovs, count, read) {
      if (fd !== 0) return ERRNO.BADF;
      let n = 0;
      for (let i = 0; i < count && io.stdinAt < io.stdin.length; i++) {
        const ptr = view().getUint32(iovs + 8 * i, true);
        const len = view().getUint32(iovs + 8 * i + 4, true);
        const chunk = io.stdin.subarray(io.stdinAt, io.stdinAt + len);
        bytes().set(chunk, ptr);
        io.stdinAt += chunk.length;
        n += chunk.length;
      }
      view().setUint32(read, n, true);
      return ERRNO.SUCCESS;
    },
    fd_close: fd => (fd <= 2 ? ERRNO.SUCCESS : ERRNO.BADF),
    fd_seek: fd => (fd <= 2 ? ERRNO.SPIPE : ERRNO.BADF),
    fd_fdstat_get(fd, stat) {
      if (fd > 2) return ERRNO.BADF;
      view().setUint8(stat, 2); // a character device
      view().setUint16(stat + 2, 0, true);
      view().setBigUint64(stat + 8, 0n, true);
      view().setBigUint64(stat + 16, 0n, true);
      return ERRNO.SUCCESS;
    },
    fd_fdstat_set_flags: fd => (fd <= 2 ? ERRNO.SUCCESS : ERRNO.BADF),
    fd_prestat_get: () => ERRNO.BADF, // no folders are opened for the module
    fd_prestat_dir_name: () => ERRNO.BADF,
    path_open: () => ERRNO.NOTCAPABLE,
    clock_res_get(id, res) { view().setBigUint64(res, 1000n, true); return ERRNO.SUCCESS; },
    clock_time_get(id, precision, time) {
      const ns = id === 0 ? BigInt(Date.now()) * 1000000n : BigInt(Math.round(performance.now() * 1e6));
      view().setBigUint64(time, ns, true);
      return ERRNO.SUCCESS;
    },
    random_get(buf, len) {
      for (let at = 0; at < len; at += 65536) { // getRandomValues fills at most 64 KiB at a time
        crypto.getRandomValues(bytes().subarray(buf + at, buf + Math.min(len, at + 65536)));
      }
      return ERRNO.SUCCESS;
    },
    sched_yield: () => ERRNO.SUCCESS,
    proc_exit(code) { throw new Exit(code); },
  };
  return {
    bind(m) { memory = m; },
    imports: new Proxy(impl, { get: (target, name) => target[name] || (() => ERRNO.NOSYS) }),
  };
}

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

function logLines(chunks) {
  for (const line of text.decode(concat(chunks)).split('\n')) if (line) console.log('[' + plugin.name + '] ' + line);
}

/** The URL's path below the plugin's prefix, as the client sent it, and its raw query. */
function below(url) {
  const u = new URL(url);
  const base = '/' + plugin.prefix;
  return { path: u.pathname.length > base.length ? u.pathname.slice(base.length) : '/', query: u.search.slice(1), url: u };
}

function imports(io, extra) {
  const shim = wasi(io);
  const object = { wasi_snapshot_preview1: shim.imports, ...extra };
  return { object, shim };
}

// ---- key-value imports (docs/kv.md), only with capabilities.kv: over mirrors in this Worker ----
importScripts('/_valor/kv.js');
const granted = plugin.kv || [];
const mirrors = Promise.all(granted.map(n => valorKv.mirror(n))).then(ms => new Map(granted.map((n, i) => [n, ms[i]])));

/** The kv_* functions of module valor, as the server's KvHost: codes for refusals, copies when they fit. */
function kvImports(stores, memory) {
  const m = () => new Uint8Array(memory().buffer);
  const str = (p, n) => text.decode(m().slice(p, p + n));
  const copyOut = (data, buf, cap) => { if (data.length <= cap) m().set(data, buf); return data.length; };
  const call = (store, storeLen, op) => {
    try {
      const name = str(store, storeLen);
      const s = stores.get(name);
      if (!s) throw new valorKv.Refusal('NOT_GRANTED', `the store '${name}' is not granted to this plugin`);
      return op(s);
    } catch (e) {
      if (!(e instanceof valorKv.Refusal)) throw e;
      console.warn('[' + plugin.name + '] kv: ' + e.message);
      return valorKv.CODES[e.code];
    }
  };
  return {
    kv_get: (st, sl, k, kl, buf, cap) => call(st, sl, s => {
      const v = s.get(str(k, kl));
      return v === null ? valorKv.CODES.ABSENT : copyOut(v, buf, cap);
    }),
    kv_put: (st, sl, k, kl, v, vl, ttl) => call(st, sl, s => { s.put(str(k, kl), m().slice(v, v + vl), Number(ttl)); return 0; }),
    kv_delete: (st, sl, k, kl) => call(st, sl, s => (s.delete(str(k, kl)) ? 1 : 0)),
    kv_increment: (st, sl, k, kl, delta, out) => call(st, sl, s => {
      new DataView(memory().buffer).setBigInt64(out, s.increment(str(k, kl), delta), true);
      return 0;
    }),
    kv_cas: (st, sl, k, kl, e, el, v, vl, ttl) => call(st, sl, s =>
      (s.cas(str(k, kl), el < 0 ? null : m().slice(e, e + el), m().slice(v, v + vl), Number(ttl)) ? 1 : 0)),
    kv_list: (st, sl, p, pl, c, cl, limit, buf, cap) => call(st, sl, s => {
      const page = s.list(str(p, pl), limit, cl === 0 ? null : str(c, cl));
      return copyOut(encodePage(page), buf, cap);
    }),
  };
}

/** A page as the ABI encodes it: u32 count, u32 cursor length, cursor, then (u32 length, key, i64 expiration) each. */
function encodePage(page) {
  const cursor = utf8.encode(page.cursor ?? '');
  const keys = page.keys.map(k => [utf8.encode(k.name), k.expiration || 0]);
  const out = new Uint8Array(8 + cursor.length + keys.reduce((n, [k]) => n + 12 + k.length, 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, keys.length, true);
  view.setUint32(4, cursor.length, true);
  out.set(cursor, 8);
  let at = 8 + cursor.length;
  for (const [k, e] of keys) {
    view.setUint32(at, k.length, true);
    out.set(k, at + 4);
    view.setBigInt64(at + 4 + k.length, BigInt(e), true);
    at += 12 + k.length;
  }
  return out;
}

// ---- the Valor reactor ABI ----
let reactor = null;

async function newReactor() {
  const module = await moduleReady;
  const io = { args: [], env: plugin.env || {}, stdin: new Uint8Array(0), stdinAt: 0, stdout: [], stderr: [] };
  const state = { response: null };
  let memory;
  const valor = {
    respond(head, headLen, body, bodyLen) {
      const m = new Uint8Array(memory.buffer);
      state.response = { head: text.decode(m.slice(head, head + headLen)), body: m.slice(body, body + bodyLen) };
    },
    log(level, msg, len) {
      console.log('[' + plugin.name + '] ' + text.decode(new Uint8Array(memory.buffer).slice(msg, msg + len)));
    },
    fetch: () => -1, // outbound calls stay on the server for now
    response_head: () => -1,
    response_body: () => -1,
    response_close: () => {},
  };
  if (granted.length) Object.assign(valor, kvImports(await mirrors, () => memory));
  const { object, shim } = imports(io, { valor });
  const instance = await WebAssembly.instantiate(module, object);
  memory = instance.exports.memory;
  shim.bind(memory);
  if (instance.exports._initialize) instance.exports._initialize();
  if (instance.exports.valor_init) {
    const config = plugin.config === null || plugin.config === undefined ? new Uint8Array(0)
      : utf8.encode(typeof plugin.config === 'string' ? plugin.config : JSON.stringify(plugin.config));
    const ptr = config.length ? instance.exports.valor_alloc(config.length) : 0;
    new Uint8Array(memory.buffer).set(config, ptr);
    const rc = instance.exports.valor_init(ptr, config.length);
    if (rc !== 0) throw new Error('valor_init returned ' + rc);
  }
  return { instance, state, io };
}

async function handleReactor(request) {
  reactor = reactor || await newReactor();
  const { instance, state, io } = reactor;
  const { path, query } = below(request.url);
  let head = request.method + ' ' + path + (query ? '?' + query : '') + '\n';
  for (const [k, v] of request.headers) head += k + ': ' + v + '\n';
  const headBytes = utf8.encode(head);
  const body = request.body ? new Uint8Array(request.body) : new Uint8Array(0);
  const exports = instance.exports;
  const headPtr = exports.valor_alloc(headBytes.length);
  new Uint8Array(exports.memory.buffer).set(headBytes, headPtr);
  const bodyPtr = body.length ? exports.valor_alloc(body.length) : 0;
  new Uint8Array(exports.memory.buffer).set(body, bodyPtr);
  state.response = null;
  const rc = exports.valor_handle(headPtr, headBytes.length, bodyPtr, body.length);
  logLines(io.stdout.splice(0));
  logLines(io.stderr.splice(0));
  if (rc !== 0 || !state.response) throw new Error('valor_handle returned ' + rc + (state.response ? '' : ' without a response'));
  const lines = state.response.head.split('\n').filter(l => l);
  const headers = lines.slice(1).map(l => { const c = l.indexOf(':'); return [l.slice(0, c).trim(), l.slice(c + 1).trim()]; });
  return { status: parseInt(lines[0], 10), headers, body: state.response.body.buffer };
}

// ---- WAGI ----
async function handleWagi(request) {
  const module = await moduleReady;
  const { path, query, url } = below(request.url);
  const matched = '/' + plugin.prefix;
  const args = [matched];
  for (const pair of query.split('&')) if (pair) args.push(decode(pair.replace(/\+/g, ' ')));
  const headers = new Headers(request.headers);
  const body = request.body ? new Uint8Array(request.body) : new Uint8Array(0);
  const decoded = decode(path);
  const env = {
    REQUEST_METHOD: request.method, PATH_INFO: decoded === '/' ? '' : decoded, PATH_TRANSLATED: decoded === '/' ? '' : decoded,
    QUERY_STRING: query, CONTENT_TYPE: headers.get('content-type') || '', CONTENT_LENGTH: String(body.length),
    SCRIPT_NAME: matched, SERVER_NAME: url.hostname, SERVER_PORT: url.port || '80', SERVER_PROTOCOL: 'HTTP/1.1',
    SERVER_SOFTWARE: 'Valor', GATEWAY_INTERFACE: 'CGI/1.1', REMOTE_ADDR: '127.0.0.1', REMOTE_HOST: '127.0.0.1',
    AUTH_TYPE: '', REMOTE_USER: '', X_MATCHED_ROUTE: matched, X_FULL_URL: request.url,
    X_RAW_PATH_INFO: path === '/' ? '' : path,
  };
  for (const [k, v] of headers) {
    const key = 'HTTP_' + k.toUpperCase().replace(/-/g, '_');
    env[key] = env[key] === undefined ? v : env[key] + ', ' + v;
  }
  Object.assign(env, plugin.env || {});
  const io = { args, env, stdin: body, stdinAt: 0, stdout: [], stderr: [] };
  let memory;
  const { object, shim } = imports(io, granted.length ? { valor: kvImports(await mirrors, () => memory) } : {});
  const instance = await WebAssembly.instantiate(module, object);
  memory = instance.exports.memory;
  shim.bind(instance.exports.memory);
  try {
    instance.exports[plugin.entrypoint || '_start']();
  } catch (e) {
    if (!(e instanceof Exit) || (e.code !== 0 && io.stdout.length === 0)) throw e;
  } finally {
    logLines(io.stderr);
  }
  return cgi(concat(io.stdout));
}

/** Percent-decoding that, like the server's, leaves a malformed escape as it is. */
function decode(s) {
  try { return decodeURIComponent(s); } catch (e) { return s; }
}

/** A CGI response: header lines, a blank line, the body; status: and location: as on the server. */
function cgi(out) {
  let headEnd = out.length;
  let bodyStart = out.length;
  for (let i = 0; i < out.length; i++) {
    if (out[i] !== 10) continue;
    if (out[i + 1] === 10) { headEnd = i; bodyStart = i + 2; break; }
    if (out[i + 1] === 13 && out[i + 2] === 10) { headEnd = i; bodyStart = i + 3; break; }
  }
  let status = 0;
  let location = false;
  const headers = [];
  for (const line of text.decode(out.subarray(0, headEnd)).split(/\r?\n/)) {
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error('the module printed a line that is not a header');
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      status = parseInt(value, 10);
      if (!(status >= 100 && status <= 999)) throw new Error('the module printed an invalid status');
    }
    else { location ||= name.toLowerCase() === 'location'; headers.push([name, value]); }
  }
  return { status: status || (location ? 302 : 200), headers, body: out.slice(bodyStart).buffer };
}

// One request at a time: the page waits for each answer before it sends the next.
self.onmessage = async event => {
  try {
    const answer = plugin.abi === 'wagi' ? await handleWagi(event.data) : await handleReactor(event.data);
    self.postMessage(answer, [answer.body]);
  } catch (e) {
    reactor = null; // a trapped instance is never reused
    console.error('[' + plugin.name + ']', e);
    self.postMessage({ status: 500, error: 'failed' });
  }
};
