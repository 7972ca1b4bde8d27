// A part of the bootstrap, in the closure 00-prelude.js opens (Bootstrap.java lists the order).
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

