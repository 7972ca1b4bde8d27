// A part of the bootstrap, in the closure 00-prelude.js opens (Bootstrap.java lists the order).
  // ---- Headers, Request, Response (what module-style handlers use) ----
  // Read-only accessors on the prototypes, as in browsers. A request from the host keeps its
  // fields as the host's text and its body as the host's string until the handler reads them,
  // and a body given as a string leaves as that string: the interpreter pays for what is used.
  const INCOMING = Object.freeze({}); // `new Request(INCOMING, {...})`: only this closure holds it
  let hostHeaders, fieldsOf, withField, bodyText, bodyBytes, bodyStream, bodyType, copyBody, signalOf;
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
    #stream; // a ReadableStream given, or made from the above when `body` is first read
    #type; // the content type the body brings (a Blob's, a form's, a string's), if any
    constructor(body, latin1) {
      if (latin1 !== undefined) this.#latin1 = latin1;
      else if (typeof body === 'string') { this.#text = body; this.#type = 'text/plain;charset=UTF-8'; }
      else if (body === null || body === undefined) this.#bytes = null;
      else if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) this.#bytes = toBytes(body).slice(); // the caller's buffer stays theirs
      else if (isStream(body)) {
        if (body.locked) throw new TypeError('the body stream is locked: something reads it already');
        this.#stream = body;
      } else if (body instanceof Blob) { this.#bytes = blobBytes(body); if (body.type) this.#type = body.type; }
      else if (body instanceof URLSearchParams) { this.#text = body.toString(); this.#type = 'application/x-www-form-urlencoded;charset=UTF-8'; }
      else if (body instanceof FormData) { const f = encodeForm(body); this.#bytes = f.bytes; this.#type = f.type; }
      else { this.#text = String(body); this.#type = 'text/plain;charset=UTF-8'; }
    }
    #raw() {
      if (this.#bytes === undefined) {
        this.#bytes = this.#latin1 !== undefined ? latin1ToBytes(this.#latin1) : new TextEncoder().encode(this.#text);
      }
      return this.#bytes;
    }
    #used = false;
    get bodyUsed() { return this.#used || (this.#stream !== undefined && this.#stream.locked); }
    // The body as a stream, as in browsers; once taken, what reads the body reads this stream.
    get body() {
      if (this.#stream === undefined) {
        if (this.#text === undefined && this.#latin1 === undefined && this.#bytes === null) return null;
        this.#stream = bytesStream(this.#used ? new Uint8Array(0) : this.#raw().slice());
        this.#text = this.#latin1 = this.#bytes = undefined;
      }
      return this.#stream;
    }
    // A body is read once, as in browsers (a null body any number of times); a clone's copy reads
    // it without using it up.
    #take(use = true) {
      if (this.#used || this.#stream !== undefined && this.#stream.locked) throw new TypeError('the body has been read already');
      if (use && (this.#stream !== undefined || this.#text !== undefined || this.#latin1 !== undefined || this.#bytes !== null)) this.#used = true;
    }
    // All the bytes, the caller's to keep; after #take.
    async #all() {
      if (this.#stream !== undefined) return readAll(this.#stream);
      const b = this.#raw();
      return b ? b.slice() : new Uint8Array(0);
    }
    async arrayBuffer() { this.#take(); return (await this.#all()).buffer; }
    async bytes() { this.#take(); return this.#all(); }
    async text() {
      this.#take();
      if (this.#text !== undefined) return this.#text;
      return new TextDecoder().decode(await this.#all());
    }
    async json() { return JSON.parse(await this.text()); }
    async blob() { this.#take(); return new Blob([await this.#all()], { type: this.headers.get('content-type') ?? '' }); }
    async formData() { this.#take(); return parseForm(await this.#all(), this.headers.get('content-type')); }
    // The body for another object: a clone's copy leaves this one readable (a stream is teed),
    // a new Request takes it.
    #copy(take) {
      this.#take(take);
      if (this.#stream !== undefined) {
        if (take) return this.#stream;
        const [mine, theirs] = this.#stream.tee();
        this.#stream = mine;
        return theirs;
      }
      if (this.#text !== undefined) return this.#text;
      const b = this.#raw();
      return b === null ? null : b.slice();
    }
    static {
      // What the host sends: as the handler left it, read or not.
      bodyText = b => b.#text;
      bodyBytes = b => b.#raw();
      bodyStream = b => b.#stream;
      bodyType = b => b.#type;
      copyBody = (b, take) => b.#copy(take);
    }
  }
  // What a body given in an init brings as its content type, unless the headers name one.
  const typed = (headers, body) => {
    const type = bodyType(body);
    if (type !== undefined && !headers.has('content-type')) withField(headers, 'content-type', type);
  };
  class Request extends Body {
    #url; #method; #signal = null;
    #headers; // a Headers, or the host's fields until first read
    constructor(input, init = {}) {
      if (input === INCOMING) { // from the host: {url, method, headers: text, body: Latin-1, a stream or null}
        if (typeof init.body === 'string' || init.body === null) super(null, init.body === null ? undefined : init.body);
        else super(init.body);
        this.#url = init.url; this.#method = init.method; this.#headers = init.headers;
        return;
      }
      const from = input instanceof Request ? input : null;
      const method = String(init.method ?? (from ? from.method : 'GET')).toUpperCase();
      const given = init.body !== undefined && init.body !== null;
      const body = given ? init.body : from ? copyBody(from, true) : null;
      if (body !== null && bodiless(method)) throw new TypeError(`a ${method} request has no body`);
      if (given && isStream(body) && init.duplex !== 'half') throw new TypeError("a stream body needs duplex: 'half' in the init");
      super(body);
      this.#url = from ? from.url : absolute(String(input));
      this.#method = method;
      this.#headers = new Headers(init.headers ?? (from ? from.headers : undefined));
      if (given) typed(this.#headers, this);
      this.#signal = init.signal ?? (from ? from.#signal : null);
    }
    clone() { // leaves this one's body readable
      const m = this.#method;
      return new Request(this.#url, { method: m, headers: this.headers, signal: this.#signal ?? undefined,
        body: bodiless(m) ? null : copyBody(this, false), duplex: 'half' });
    }
    get url() { return this.#url; }
    get method() { return this.#method; }
    get headers() {
      if (typeof this.#headers === 'string') this.#headers = hostHeaders(this.#headers);
      return this.#headers;
    }
    get signal() { return this.#signal ?? (this.#signal = neverAborted()); }
    get cache() { return 'default'; }
    get credentials() { return 'same-origin'; }
    get destination() { return ''; }
    get integrity() { return ''; }
    get keepalive() { return false; }
    get mode() { return 'cors'; }
    get redirect() { return 'follow'; }
    get referrer() { return 'about:client'; }
    get referrerPolicy() { return ''; }
    get duplex() { return 'half'; }
    static { signalOf = r => r.#signal; }
  }
  // An absolute URL as URL writes it (browsers and Node do); a relative one, which fetch sends to
  // another plugin in-process, as given.
  const absolute = s => { try { return new URL(s).href; } catch (e) { return s; } };
  const nullBodyStatus = s => s === 101 || s === 103 || s === 204 || s === 205 || s === 304;
  class Response extends Body {
    #status; #statusText; #headers; #type = 'default';
    constructor(body = null, init = {}) {
      super(body);
      const status = init?.status ?? 200;
      if (!(status >= 200 && status <= 599) || status !== Math.trunc(status)) throw new RangeError(`a Response's status must be 200 to 599, not ${status}`);
      if (body !== null && body !== undefined && nullBodyStatus(status)) throw new TypeError(`a ${status} answer has no body`);
      this.#status = status;
      this.#statusText = String(init?.statusText ?? '');
      this.#headers = new Headers(init?.headers);
      typed(this.#headers, this);
    }
    get status() { return this.#status; }
    get statusText() { return this.#statusText; }
    get headers() { return this.#headers; }
    get ok() { return this.#status >= 200 && this.#status < 300; }
    get type() { return this.#type; }
    get url() { return ''; }
    get redirected() { return false; }
    clone() {
      if (this.bodyUsed) throw new TypeError('clone: the body has been read already');
      const copy = new Response(copyBody(this, false), { headers: this.#headers });
      copy.#status = this.#status; copy.#statusText = this.#statusText; copy.#type = this.#type;
      if (!this.#headers.has('content-type')) copy.#headers.delete('content-type'); // as this one has it
      return copy;
    }
    static json(data, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      return new Response(JSON.stringify(data), { status: init.status, statusText: init.statusText, headers });
    }
    static redirect(url, status = 302) {
      if (![301, 302, 303, 307, 308].includes(status)) throw new RangeError(`a redirect's status is 301, 302, 303, 307 or 308, not ${status}`);
      return new Response(null, { status, headers: { location: String(new URL(String(url))) } });
    }
    static error() {
      const r = new Response(null, { status: 200 });
      r.#status = 0;
      r.#type = 'error';
      return r;
    }
  }
  g.Headers = Headers;
  g.Request = Request;
  g.Response = Response;

