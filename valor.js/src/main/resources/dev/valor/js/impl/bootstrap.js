// Valor's JavaScript host side: runs first in every plugin context and gives the plugin what a
// dedicated Web Worker has (docs/js-plugins.md). `host` is the runtime's bridge; it stays in
// this closure and is never visible to the plugin.
(function (host) {
  'use strict';
  const g = globalThis;

  // Nothing of the host beyond a Worker's globals.
  for (const name of ['Java', 'Packages', 'java', 'javax', 'com', 'org', 'edu', 'net', 'Polyglot', 'Graal',
      'print', 'printErr', 'load', 'loadWithNewGlobal', 'quit', 'exit', 'readline', 'readbuffer', 'read',
      'console', 'arguments', 'scriptArgs']) {
    try { delete g[name]; } catch (e) { /* not configurable: left as is */ }
  }

  // ---- UTF-8, where the engine has no TextEncoder/TextDecoder of its own ----
  if (typeof g.TextEncoder === 'undefined') {
    g.TextEncoder = class TextEncoder {
      get encoding() { return 'utf-8'; }
      encode(s = '') { return latin1ToBytes(unescape(encodeURIComponent(String(s)))); }
    };
  }
  if (typeof g.TextDecoder === 'undefined') {
    g.TextDecoder = class TextDecoder {
      get encoding() { return 'utf-8'; }
      decode(b) {
        if (b === undefined) return '';
        const bytes = b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
        return decodeURIComponent(escape(bytesToLatin1(bytes)));
      }
    };
  }

  // ---- bytes <-> the host's Latin-1 strings (one char per byte) ----
  function bytesToLatin1(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length; i += 8192) {
      s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(i + 8192, bytes.length)));
    }
    return s;
  }
  function latin1ToBytes(s) {
    const bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    return bytes;
  }
  function toBytes(body) {
    if (body === null || body === undefined) return null;
    if (typeof body === 'string') return new TextEncoder().encode(body);
    if (body instanceof ArrayBuffer) return new Uint8Array(body);
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    return new TextEncoder().encode(String(body));
  }

  // ---- console: lines in the runtime's log under the plugin's name ----
  const format = args => args.map(a => typeof a === 'string' ? a : (() => {
    try { return JSON.stringify(a); } catch (e) { return String(a); }
  })()).join(' ');
  g.console = Object.freeze({
    debug: (...a) => host.log(0, format(a)), log: (...a) => host.log(1, format(a)),
    info: (...a) => host.log(1, format(a)), warn: (...a) => host.log(2, format(a)),
    error: (...a) => host.log(3, format(a)),
  });

  // ---- timers: run by the host's loop between events ----
  let timerSeq = 0;
  const timers = new Map();
  g.setTimeout = (fn, ms = 0, ...args) => {
    const id = ++timerSeq;
    timers.set(id, { due: host.now() + Math.max(0, Number(ms) || 0), fn, args, every: 0 });
    return id;
  };
  g.setInterval = (fn, ms = 0, ...args) => {
    const every = Math.max(1, Number(ms) || 0);
    const id = ++timerSeq;
    timers.set(id, { due: host.now() + every, fn, args, every });
    return id;
  };
  g.clearTimeout = g.clearInterval = id => { timers.delete(id); };
  g.queueMicrotask = fn => { Promise.resolve().then(fn); };
  function runTimers() {
    const now = host.now();
    for (const [id, t] of [...timers]) {
      if (t.due <= now && timers.has(id)) {
        if (t.every) t.due = now + t.every; else timers.delete(id);
        t.fn(...t.args);
      }
    }
    let next = -1;
    const after = host.now();
    for (const t of timers.values()) {
      const wait = Math.max(0, t.due - after);
      if (next < 0 || wait < next) next = wait;
    }
    return next;
  }

  // ---- base64, randomness, cloning ----
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  g.btoa = s => {
    s = String(s);
    let out = '';
    for (let i = 0; i < s.length; i += 3) {
      const a = s.charCodeAt(i), b = s.charCodeAt(i + 1), c = s.charCodeAt(i + 2);
      if (a > 255 || b > 255 || c > 255) throw new DOMException('btoa: not Latin-1', 'InvalidCharacterError');
      const n = (a << 16) | ((b || 0) << 8) | (c || 0);
      out += B64[n >> 18 & 63] + B64[n >> 12 & 63] + (i + 1 < s.length ? B64[n >> 6 & 63] : '=') + (i + 2 < s.length ? B64[n & 63] : '=');
    }
    return out;
  };
  g.atob = s => {
    s = String(s).replace(/[\t\n\f\r ]/g, '');
    if (s.length % 4 === 0) s = s.replace(/==?$/, '');
    if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) throw new DOMException('atob: not base64', 'InvalidCharacterError');
    let out = '', bits = 0, value = 0;
    for (const ch of s) {
      value = (value << 6) | B64.indexOf(ch); bits += 6;
      if (bits >= 8) { bits -= 8; out += String.fromCharCode((value >> bits) & 255); }
    }
    return out;
  };
  if (typeof g.DOMException === 'undefined') {
    g.DOMException = class DOMException extends Error {
      constructor(message = '', name = 'Error') { super(message); this.name = name; }
    };
  }
  g.crypto = Object.freeze({
    getRandomValues(array) {
      if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array) {
        throw new TypeError('getRandomValues needs an integer typed array');
      }
      if (array.byteLength > 65536) throw new DOMException('more than 65536 bytes', 'QuotaExceededError');
      new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(latin1ToBytes(host.random(array.byteLength)));
      return array;
    },
    randomUUID() {
      const b = latin1ToBytes(host.random(16));
      b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
      const h = [...b].map(x => x.toString(16).padStart(2, '0')).join('');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  });
  g.structuredClone = function clone(value, seen = new Map()) {
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'function' || typeof value === 'symbol') throw new DOMException('cannot clone', 'DataCloneError');
      return value;
    }
    if (seen.has(value)) return seen.get(value);
    let copy;
    if (value instanceof Date) copy = new Date(value.getTime());
    else if (value instanceof RegExp) copy = new RegExp(value.source, value.flags);
    else if (value instanceof ArrayBuffer) copy = value.slice(0);
    else if (ArrayBuffer.isView(value)) copy = new value.constructor(value);
    else if (value instanceof Map) { copy = new Map(); seen.set(value, copy); for (const [k, v] of value) copy.set(clone(k, seen), clone(v, seen)); return copy; }
    else if (value instanceof Set) { copy = new Set(); seen.set(value, copy); for (const v of value) copy.add(clone(v, seen)); return copy; }
    else if (Array.isArray(value)) { copy = []; seen.set(value, copy); value.forEach((v, i) => { copy[i] = clone(v, seen); }); return copy; }
    else { copy = {}; seen.set(value, copy); for (const k of Object.keys(value)) copy[k] = clone(value[k], seen); return copy; }
    seen.set(value, copy);
    return copy;
  };


  // ---- URL and URLSearchParams (a compact take on the WHATWG classes: http(s)-style URLs) ----
  const encodeParam = v => encodeURIComponent(v).replace(/%20/g, '+').replace(/[!'()~]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const decodeParam = v => { try { return decodeURIComponent(v.replace(/\+/g, ' ')); } catch (e) { return v; } };
  class URLSearchParams {
    #list = [];
    #onChange;
    constructor(init = '', onChange) {
      this.#onChange = onChange;
      if (typeof init === 'string') {
        for (const part of (init.startsWith('?') ? init.slice(1) : init).split('&')) {
          if (!part) continue;
          const eq = part.indexOf('=');
          this.#list.push(eq < 0 ? [decodeParam(part), ''] : [decodeParam(part.slice(0, eq)), decodeParam(part.slice(eq + 1))]);
        }
      } else if (init instanceof URLSearchParams || Array.isArray(init)) {
        for (const [k, v] of init) this.#list.push([String(k), String(v)]);
      } else if (init && typeof init === 'object') {
        for (const k of Object.keys(init)) this.#list.push([k, String(init[k])]);
      }
    }
    #changed() { if (this.#onChange) this.#onChange(this.toString()); }
    get size() { return this.#list.length; }
    append(k, v) { this.#list.push([String(k), String(v)]); this.#changed(); }
    delete(k) { this.#list = this.#list.filter(([n]) => n !== String(k)); this.#changed(); }
    get(k) { const e = this.#list.find(([n]) => n === String(k)); return e ? e[1] : null; }
    getAll(k) { return this.#list.filter(([n]) => n === String(k)).map(([, v]) => v); }
    has(k) { return this.#list.some(([n]) => n === String(k)); }
    set(k, v) {
      const i = this.#list.findIndex(([n]) => n === String(k));
      if (i < 0) { this.#list.push([String(k), String(v)]); }
      else { this.#list[i] = [String(k), String(v)]; this.#list = this.#list.filter(([n], j) => j <= i || n !== String(k)); }
      this.#changed();
    }
    sort() { this.#list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); this.#changed(); }
    forEach(fn, self) { for (const [k, v] of this.#list) fn.call(self, v, k, this); }
    *entries() { yield* this.#list.map(e => [...e]); }
    *keys() { for (const [k] of this.#list) yield k; }
    *values() { for (const [, v] of this.#list) yield v; }
    [Symbol.iterator]() { return this.entries(); }
    toString() { return this.#list.map(([k, v]) => encodeParam(k) + '=' + encodeParam(v)).join('&'); }
  }
  const DEFAULT_PORTS = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443', 'ftp:': '21' };
  const ABSOLUTE = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/;
  function removeDots(path) {
    const out = [];
    const segments = path.split('/');
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i];
      if (s === '..') { if (out.length > 1) out.pop(); if (i === segments.length - 1) out.push(''); }
      else if (s === '.') { if (i === segments.length - 1) out.push(''); }
      else out.push(s);
    }
    const joined = out.join('/');
    return joined.startsWith('/') ? joined : '/' + joined;
  }
  class URL {
    #protocol = ''; #username = ''; #password = ''; #hostname = ''; #port = ''; #pathname = '/'; #search = ''; #hash = '';
    #params;
    constructor(url, base) {
      url = String(url).trim();
      const m = ABSOLUTE.exec(url);
      if (m && (m[2].startsWith('//') || base === undefined)) {
        this.#parse(m[1].toLowerCase() + ':', m[2]);
      } else {
        if (base === undefined) throw new TypeError(`Invalid URL: ${url}`);
        const b = base instanceof URL ? base : new URL(base);
        this.#protocol = b.protocol; this.#username = b.username; this.#password = b.password;
        this.#hostname = b.hostname; this.#port = b.port;
        let rest = url, hash = '', search = '';
        const h = rest.indexOf('#'); if (h >= 0) { hash = rest.slice(h); rest = rest.slice(0, h); }
        const q = rest.indexOf('?'); if (q >= 0) { search = rest.slice(q); rest = rest.slice(0, q); }
        if (rest.startsWith('//')) { this.#parse(b.protocol, url); return; }
        if (rest === '') { this.#pathname = b.pathname; this.#search = q >= 0 ? search : b.search; }
        else if (rest.startsWith('/')) { this.#pathname = removeDots(rest); this.#search = search; }
        else { this.#pathname = removeDots(b.pathname.slice(0, b.pathname.lastIndexOf('/') + 1) + rest); this.#search = search; }
        this.#hash = hash;
        if (this.#search === '?') this.#search = '';
        if (this.#hash === '#') this.#hash = '';
      }
    }
    #parse(protocol, rest) {
      this.#protocol = protocol;
      const h = rest.indexOf('#'); if (h >= 0) { this.#hash = rest.slice(h) === '#' ? '' : rest.slice(h); rest = rest.slice(0, h); }
      const q = rest.indexOf('?'); if (q >= 0) { this.#search = rest.slice(q) === '?' ? '' : rest.slice(q); rest = rest.slice(0, q); }
      if (rest.startsWith('//')) {
        rest = rest.slice(2);
        const slash = rest.indexOf('/');
        let authority = slash < 0 ? rest : rest.slice(0, slash);
        rest = slash < 0 ? '' : rest.slice(slash);
        const at = authority.lastIndexOf('@');
        if (at >= 0) {
          const user = authority.slice(0, at); authority = authority.slice(at + 1);
          const c = user.indexOf(':');
          this.#username = c < 0 ? user : user.slice(0, c); this.#password = c < 0 ? '' : user.slice(c + 1);
        }
        const portAt = authority.lastIndexOf(':');
        if (portAt >= 0 && authority.indexOf(']') < portAt) {
          this.#port = authority.slice(portAt + 1); authority = authority.slice(0, portAt);
          if (!/^\d*$/.test(this.#port)) throw new TypeError(`Invalid URL port: ${this.#port}`);
          if (DEFAULT_PORTS[protocol] === this.#port) this.#port = '';
        }
        if (!authority && (protocol === 'http:' || protocol === 'https:')) throw new TypeError('Invalid URL: no host');
        this.#hostname = authority.toLowerCase();
        this.#pathname = rest ? removeDots(rest) : '/';
      } else {
        this.#pathname = rest;
      }
    }
    get protocol() { return this.#protocol; }
    get username() { return this.#username; }
    get password() { return this.#password; }
    get hostname() { return this.#hostname; }
    get port() { return this.#port; }
    get host() { return this.#hostname + (this.#port ? ':' + this.#port : ''); }
    get origin() { return this.#hostname ? this.#protocol + '//' + this.host : 'null'; }
    get pathname() { return this.#pathname; }
    set pathname(p) { this.#pathname = removeDots(String(p).startsWith('/') ? String(p) : '/' + p); }
    get search() { return this.#search; }
    set search(s) { s = String(s); this.#search = s === '' || s === '?' ? '' : (s.startsWith('?') ? s : '?' + s); this.#params = undefined; }
    get hash() { return this.#hash; }
    set hash(s) { s = String(s); this.#hash = s === '' || s === '#' ? '' : (s.startsWith('#') ? s : '#' + s); }
    get searchParams() {
      if (!this.#params) this.#params = new URLSearchParams(this.#search, q => { this.#search = q ? '?' + q : ''; });
      return this.#params;
    }
    get href() {
      const auth = this.#username ? this.#username + (this.#password ? ':' + this.#password : '') + '@' : '';
      return this.#protocol + (this.#hostname || this.#protocol === 'file:' ? '//' + auth + this.host : '') + this.#pathname + this.#search + this.#hash;
    }
    toString() { return this.href; }
    toJSON() { return this.href; }
    static canParse(url, base) { try { new URL(url, base); return true; } catch (e) { return false; } }
  }
  g.URL = URL;
  g.URLSearchParams = URLSearchParams;

  // ---- Headers, Request, Response (what module-style handlers use) ----
  // Read-only accessors on the prototypes, as in browsers. A request from the host keeps its
  // fields as the host's text and its body as the host's string until the handler reads them,
  // and a body given as a string leaves as that string: the interpreter pays for what is used.
  const INCOMING = Object.freeze({}); // `new Request(INCOMING, {...})`: only this closure holds it
  let hostHeaders, fieldsOf, withField, bodyText, bodyBytes, copyBody;
  const bodiless = method => method === 'GET' || method === 'HEAD';
  class Headers {
    #flat = []; // [lower-case name, value, name, value, ...]: as the host takes them
    #text = null; // or the host's fields, not split yet
    constructor(init) {
      if (init === undefined || init === null) return;
      if (init instanceof Headers) {
        this.#flat = init.#fields().slice();
      } else if (Array.isArray(init)) {
        for (let i = 0; i < init.length; i++) this.#pair(init[i]); // indexed: no iterator in the interpreter
      } else if (typeof init === 'object') {
        if (typeof init[Symbol.iterator] === 'function') for (const p of init) this.#pair(p);
        else for (const k of Object.keys(init)) this.append(k, init[k]);
      } else {
        throw new TypeError('Headers: give pairs or an object');
      }
    }
    #pair(p) {
      if (p === null || typeof p !== 'object' || p.length !== 2) throw new TypeError('a header must be [name, value]');
      this.append(p[0], p[1]);
    }
    #fields() {
      if (this.#text !== null) {
        const parts = this.#text.split('\0');
        for (let i = 0; i + 1 < parts.length; i += 2) this.#flat.push(parts[i].toLowerCase(), parts[i + 1]);
        this.#text = null;
      }
      return this.#flat;
    }
    append(name, value) { this.#fields().push(String(name).toLowerCase(), String(value)); }
    set(name, value) { this.delete(name); this.append(name, value); }
    delete(name) {
      const n = String(name).toLowerCase(), flat = this.#fields(), kept = [];
      for (let i = 0; i < flat.length; i += 2) if (flat[i] !== n) kept.push(flat[i], flat[i + 1]);
      this.#flat = kept;
    }
    get(name) {
      const n = String(name).toLowerCase(), flat = this.#fields();
      let value = null;
      for (let i = 0; i < flat.length; i += 2) if (flat[i] === n) value = value === null ? flat[i + 1] : value + ', ' + flat[i + 1];
      return value;
    }
    has(name) { return this.get(name) !== null; }
    getSetCookie() {
      const flat = this.#fields(), cookies = [];
      for (let i = 0; i < flat.length; i += 2) if (flat[i] === 'set-cookie') cookies.push(flat[i + 1]);
      return cookies;
    }
    // What iteration sees, as in browsers: names sorted, the values of a name joined by ", " (each
    // set-cookie apart), taken before the first step, so changes made meanwhile do not disturb it.
    #sorted() {
      const flat = this.#fields(), names = [], pairs = [];
      for (let i = 0; i < flat.length; i += 2) if (!names.includes(flat[i])) names.push(flat[i]);
      names.sort();
      for (const n of names) {
        if (n === 'set-cookie') for (const c of this.getSetCookie()) pairs.push([n, c]);
        else pairs.push([n, this.get(n)]);
      }
      return pairs;
    }
    forEach(fn, self) { for (const [k, v] of this.#sorted()) fn.call(self, v, k, this); }
    *entries() { yield* this.#sorted(); }
    *keys() { for (const [k] of this.#sorted()) yield k; }
    *values() { for (const [, v] of this.#sorted()) yield v; }
    [Symbol.iterator]() { return this.entries(); }
    static {
      hostHeaders = text => { const h = new Headers(); if (text !== '') h.#text = text; return h; };
      fieldsOf = h => h.#fields(); // read only: the caller joins them
      withField = (h, name, value) => { h.#fields().push(name, value); };
    }
  }
  class Body {
    #text; // a string given: sent as UTF-8
    #latin1; // the host's bytes, one char each
    #bytes; // made from one of those on first use; null: no body
    constructor(body, latin1) {
      if (latin1 !== undefined) this.#latin1 = latin1;
      else if (typeof body === 'string') this.#text = body;
      else if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) this.#bytes = toBytes(body).slice(); // the caller's buffer stays theirs
      else this.#bytes = toBytes(body);
    }
    #raw() {
      if (this.#bytes === undefined) {
        this.#bytes = this.#latin1 !== undefined ? latin1ToBytes(this.#latin1) : new TextEncoder().encode(this.#text);
      }
      return this.#bytes;
    }
    #used = false;
    get bodyUsed() { return this.#used; }
    // A body is read once, as in browsers (a null body any number of times); a clone's copy reads
    // it without using it up.
    #take(use = true) {
      if (this.#used) throw new TypeError('the body has been read already');
      if (use && (this.#text !== undefined || this.#latin1 !== undefined || this.#bytes !== null)) this.#used = true;
    }
    async arrayBuffer() { this.#take(); const b = this.#raw(); return b ? b.slice().buffer : new ArrayBuffer(0); }
    async bytes() { this.#take(); const b = this.#raw(); return b ? b.slice() : new Uint8Array(0); }
    async text() {
      this.#take();
      if (this.#text !== undefined) return this.#text;
      const b = this.#raw();
      return b ? new TextDecoder().decode(b) : '';
    }
    async json() { return JSON.parse(await this.text()); }
    // The body for another object: a clone's copy leaves this one readable, a new Request takes it.
    #copy(take) {
      this.#take(take);
      if (this.#text !== undefined) return this.#text;
      const b = this.#raw();
      return b === null ? null : b.slice();
    }
    static {
      // What the host sends: as the handler left it, read or not.
      bodyText = b => b.#text;
      bodyBytes = b => b.#raw();
      copyBody = (b, take) => b.#copy(take);
    }
  }
  class Request extends Body {
    #url; #method;
    #headers; // a Headers, or the host's fields until first read
    constructor(input, init = {}) {
      if (input === INCOMING) { // from the host: {url, method, headers: text, body: Latin-1 or null}
        super(null, init.body === null ? undefined : init.body);
        this.#url = init.url; this.#method = init.method; this.#headers = init.headers;
        return;
      }
      const from = input instanceof Request ? input : null;
      const method = String(init.method ?? (from ? from.method : 'GET')).toUpperCase();
      const body = init.body !== undefined && init.body !== null ? init.body : from ? copyBody(from, true) : null;
      if (body !== null && bodiless(method)) throw new TypeError(`a ${method} request has no body`);
      super(body);
      this.#url = from ? from.url : String(input);
      this.#method = method;
      this.#headers = new Headers(init.headers ?? (from ? from.headers : undefined));
    }
    clone() { // leaves this one's body readable
      const m = this.#method;
      return new Request(this.#url, { method: m, headers: this.headers, body: bodiless(m) ? null : copyBody(this, false) });
    }
    get url() { return this.#url; }
    get method() { return this.#method; }
    get headers() {
      if (typeof this.#headers === 'string') this.#headers = hostHeaders(this.#headers);
      return this.#headers;
    }
  }
  class Response extends Body {
    #status; #statusText; #headers;
    constructor(body = null, init = {}) {
      super(body);
      this.#status = init.status ?? 200;
      this.#statusText = init.statusText ?? '';
      this.#headers = new Headers(init.headers);
      if (typeof body === 'string' && !this.#headers.has('content-type')) withField(this.#headers, 'content-type', 'text/plain;charset=UTF-8');
    }
    get status() { return this.#status; }
    get statusText() { return this.#statusText; }
    get headers() { return this.#headers; }
    get ok() { return this.#status >= 200 && this.#status < 300; }
    clone() { return new Response(copyBody(this, false), { status: this.#status, statusText: this.#statusText, headers: this.#headers }); }
    static json(data, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      return new Response(JSON.stringify(data), { status: init.status, statusText: init.statusText, headers });
    }
  }
  g.Headers = Headers;
  g.Request = Request;
  g.Response = Response;

  // ---- the Worker's messaging ----
  g.self = g;
  let onmessage = null;
  const listeners = [];
  Object.defineProperty(g, 'onmessage', { get: () => onmessage, set: f => { onmessage = f; }, configurable: true });
  g.addEventListener = (type, fn) => { if (type === 'message' && typeof fn === 'function') listeners.push(fn); };
  g.removeEventListener = (type, fn) => { const i = listeners.indexOf(fn); if (i >= 0) listeners.splice(i, 1); };
  // Headers cross to and from the host as one string, "name\0value\0name\0value": one crossing
  // instead of one per field (a field may not hold a NUL, as in browsers). Plain indexed loops on
  // every request's way: the interpreter runs them several times faster than iterators.
  function headerPairs(text) {
    const pairs = [];
    if (text === '') return pairs;
    const parts = text.split('\0');
    for (let i = 0; i + 1 < parts.length; i += 2) pairs.push([parts[i], parts[i + 1]]);
    return pairs;
  }
  // The fields of a Headers or of [[name, value], ...] as [name, value, name, value, ...].
  function headerFields(pairs) {
    const flat = [];
    if (Array.isArray(pairs)) {
      for (let i = 0; i < pairs.length; i++) { const p = pairs[i]; flat.push(String(p[0]), String(p[1])); }
    } else {
      for (const [k, v] of pairs) flat.push(String(k), String(v));
    }
    return flat;
  }
  // The host checks that the text holds one NUL fewer than its fields, none inside one: only
  // then does it look for the field that broke the rule, to name it.
  function nulIn(flat) {
    const i = flat.findIndex(f => f.includes('\0'));
    return new TypeError(`header ${JSON.stringify(flat[i - i % 2])} holds a NUL`);
  }
  // How a body crosses (JsWorker): 0 text typed text/plain unless the answer says, 1 bytes, 2 text as given.
  const TEXT = 0, BYTES = 1, TEXT_AS_GIVEN = 2;
  function answer(status, flat, body, form) {
    if (!host.respond(status, flat.join('\0'), flat.length, body, form)) throw nulIn(flat);
  }
  const respond = message => {
    const m = message ?? {};
    const h = m.headers;
    const flat = h === undefined || h === null ? [] : h instanceof Headers ? fieldsOf(h) : headerFields(h);
    const status = m.status ?? 200, body = m.body;
    if (body === null || body === undefined) answer(status, flat, null, TEXT);
    else if (typeof body === 'string') answer(status, flat, body, TEXT);
    else answer(status, flat, bytesToLatin1(toBytes(body)), BYTES);
  };
  g.postMessage = respond;

  // ---- composition: plugs this plugin provides, sockets it declared (docs/composition.md) ----
  function valueBytes(v) {
    if (v === null || v === undefined) return new Uint8Array(0);
    if (typeof v === 'string' || v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return toBytes(v);
    return new TextEncoder().encode(JSON.stringify(v));
  }
  const plugs = new Map();
  const declaredPlugs = JSON.parse(host.plugs);
  const plug = (binding, functions) => {
    binding = String(binding);
    if (!declaredPlugs.includes(binding)) throw new TypeError(`plug ${binding}: the definition does not declare it in "plugs"`);
    if (functions === null || typeof functions !== 'object') throw new TypeError(`plug ${binding}: give an object of functions`);
    plugs.set(binding, functions);
  };
  let socketSeq = 0;
  const socketCalls = new Map();
  const sockets = {};
  for (const [binding, cardinality] of Object.entries(JSON.parse(host.sockets))) {
    const single = cardinality === 'exactly-one' || cardinality === 'at-most-one';
    const call = (fn, input) => new Promise((resolve, reject) => {
      const id = ++socketSeq;
      socketCalls.set(id, { resolve, reject, single });
      try {
        host.socket(id, binding, fn, bytesToLatin1(valueBytes(input)));
      } catch (e) {
        socketCalls.delete(id); // nothing will settle it: the loop must not wait for it
        reject(e);
      }
    });
    sockets[binding] = Object.freeze(new Proxy({}, {
      get: (t, fn) => typeof fn === 'string' && fn !== 'then' ? input => call(fn, input) : undefined,
      set: () => false,
    }));
  }
  function settleSocket(id, flat) {
    const pending = socketCalls.get(id);
    if (!pending) return;
    socketCalls.delete(id);
    if (pending.single) {
      if (flat.length === 0) { pending.resolve(null); return; }
      if (flat[1]) pending.resolve(latin1ToBytes(flat[2]));
      else pending.reject(new Error(`${flat[0]}: ${flat[2]}`));
      return;
    }
    const results = {};
    for (let i = 0; i < flat.length; i += 3) {
      results[flat[i]] = flat[i + 1] ? { value: latin1ToBytes(flat[i + 2]) } : { error: flat[i + 2] };
    }
    pending.resolve(results);
  }

  g.valor = Object.freeze({ name: host.name, config: host.config === null ? null : JSON.parse(host.config),
    plug, sockets: Object.freeze(sockets) });

  // ---- fetch: relative URLs to other plugins in-process, absolute ones to granted hosts only ----
  let fetchSeq = 0;
  const fetches = new Map();
  g.fetch = (input, init) => new Promise((resolve, reject) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init ?? {});
    const flat = fieldsOf(request.headers);
    if (flat.some(f => f.includes('\0'))) throw nulIn(flat); // rejects before anything is pending
    const text = flat.join('\0');
    const id = ++fetchSeq;
    fetches.set(id, { resolve, reject });
    request.arrayBuffer().then(buffer => {
      const bytes = new Uint8Array(buffer);
      host.fetch(id, request.method, request.url, text, bytes.length ? bytesToLatin1(bytes) : null);
    }).catch(e => { fetches.delete(id); reject(new TypeError('fetch failed: ' + (e && e.message || e))); });
  });
  function settleFetch(id, error, status, headers, body) {
    const pending = fetches.get(id);
    if (!pending) return;
    fetches.delete(id);
    if (error !== null) { pending.reject(new TypeError('fetch failed: ' + error)); return; }
    pending.resolve(new Response(body === null ? null : latin1ToBytes(body), { status, headers: headerPairs(headers) }));
  }

  // An own, enumerable data property, where an accessor stood until the first read or write.
  function own(object, key, value) {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
    return value;
  }

  return Object.freeze({
    runTimers,
    settleFetch,
    settleSocket,
    pendingFetches: () => fetches.size + socketCalls.size,
    plugged: () => [...plugs.keys()],
    // A consumer's call to one of this plugin's plug functions.
    async callPlug(binding, fn, input) {
      fetches.clear(); socketCalls.clear();
      const functions = plugs.get(binding);
      // Object's own members (valueOf, constructor, ...) are not the binding's functions.
      if (!functions || Object.hasOwn(Object.prototype, fn) || typeof functions[fn] !== 'function') {
        host.plugReply(false, `no function '${fn}' in ${binding}`);
        return;
      }
      try {
        host.plugReply(true, bytesToLatin1(valueBytes(await functions[fn](latin1ToBytes(input)))));
      } catch (e) {
        host.plugReply(false, String(e && e.message || e));
      }
    },
    // Worker style: the request as a message event.
    dispatch(url, method, headers, body) {
      // an earlier request's unawaited calls will never settle here
      if (fetches.size) fetches.clear();
      if (socketCalls.size) socketCalls.clear();
      // Headers and body are made on first read: a handler that never looks at them does not pay
      // for them (accessors in the literal cost the interpreter least; compiled it makes no difference).
      // Two literals, because a body accessor where there is no body costs hello.js 7% (4.3 -> 4.6 us).
      const data = body === null ? { url, method,
        get headers() { return own(this, 'headers', headerPairs(headers)); }, set headers(v) { own(this, 'headers', v); },
        body: null } : { url, method,
        get headers() { return own(this, 'headers', headerPairs(headers)); }, set headers(v) { own(this, 'headers', v); },
        get body() { return own(this, 'body', latin1ToBytes(body).buffer); }, set body(v) { own(this, 'body', v); } };
      const event = { type: 'message', data, target: g };
      if (typeof onmessage === 'function') onmessage.call(g, event);
      if (listeners.length) for (const l of listeners.slice()) l.call(g, event);
    },
    // Module style: handler(Request) -> Response, or a promise of one.
    async dispatchModule(handler, url, method, headers, body) {
      fetches.clear(); socketCalls.clear();
      const response = await handler(new Request(INCOMING, { url, method, headers, body }));
      if (!(response instanceof Response)) throw new TypeError('the handler did not return a Response');
      const text = bodyText(response);
      if (text !== undefined) { answer(response.status, fieldsOf(response.headers), text, TEXT_AS_GIVEN); return; }
      const bytes = bodyBytes(response);
      answer(response.status, fieldsOf(response.headers), bytes === null ? null : bytesToLatin1(bytes), BYTES);
    },
  });
})
