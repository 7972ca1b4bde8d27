// A part of the bootstrap, in the closure 00-prelude.js opens (Bootstrap.java lists the order).
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

