// A part of the bootstrap, in the closure 00-prelude.js opens (Bootstrap.java lists the order).
  // ---- Blob, File, FormData ----
  let blobBytes; // (blob) => its bytes, not copied: a Blob never changes them
  const blobType = t => (t === undefined ? '' : /[^\u0020-\u007e]/.test(String(t)) ? '' : String(t).toLowerCase());
  class Blob {
    #bytes; #type;
    constructor(parts = [], options = {}) {
      if (parts === null || typeof parts !== 'object' || typeof parts[Symbol.iterator] !== 'function') {
        throw new TypeError("Blob: the parts must be a sequence (an array)");
      }
      const chunks = [];
      let size = 0;
      for (const p of parts) {
        const b = p instanceof Blob ? p.#bytes : p instanceof ArrayBuffer || ArrayBuffer.isView(p) ? toBytes(p).slice()
          : new TextEncoder().encode(options?.endings === 'native' ? String(p).replace(/\r?\n/g, '\n') : String(p));
        chunks.push(b);
        size += b.length;
      }
      this.#bytes = chunks.length === 0 ? new Uint8Array(0) : joinBytes(chunks, size);
      this.#type = blobType(options?.type);
    }
    get size() { return this.#bytes.length; }
    get type() { return this.#type; }
    slice(start = 0, end = this.#bytes.length, type = '') {
      const n = this.#bytes.length, at = i => (i < 0 ? Math.max(n + i, 0) : Math.min(i, n));
      const b = new Blob([], { type });
      b.#bytes = this.#bytes.slice(at(Math.trunc(start) || 0), at(Math.trunc(end) || 0));
      return b;
    }
    async text() { return new TextDecoder().decode(this.#bytes); }
    async arrayBuffer() { return this.#bytes.slice().buffer; }
    async bytes() { return this.#bytes.slice(); }
    stream() { return bytesStream(this.#bytes.slice()); }
    get [Symbol.toStringTag]() { return 'Blob'; }
    static { blobBytes = b => b.#bytes; }
  }
  class File extends Blob {
    #name; #lastModified;
    constructor(bits, name, options = {}) {
      if (arguments.length < 2) throw new TypeError("File: the 'name' argument is required");
      super(bits, options);
      this.#name = String(name);
      this.#lastModified = options?.lastModified === undefined ? Date.now() : Number(options.lastModified);
    }
    get name() { return this.#name; }
    get lastModified() { return this.#lastModified; }
    get webkitRelativePath() { return ''; }
    get [Symbol.toStringTag]() { return 'File'; }
  }
  g.Blob = Blob;
  g.File = File;

  // An entry's value: a string, or a File (a Blob becomes one named "blob", or the name given).
  function formValue(value, filename) {
    if (!(value instanceof Blob)) return String(value);
    if (value instanceof File && filename === undefined) return value;
    return new File([value], filename === undefined ? (value instanceof File ? value.name : 'blob') : String(filename),
      { type: value.type, lastModified: value instanceof File ? value.lastModified : undefined });
  }
  let formEntries; // (form) => its [name, value] list, not copied
  class FormData {
    #entries = [];
    constructor(form) {
      if (form !== undefined) throw new TypeError('FormData: there is no form element to read here');
    }
    append(name, value, filename) { this.#entries.push([String(name), formValue(value, filename)]); }
    set(name, value, filename) {
      const n = String(name), v = formValue(value, filename), i = this.#entries.findIndex(e => e[0] === n);
      if (i < 0) { this.#entries.push([n, v]); return; }
      this.#entries[i] = [n, v];
      this.#entries = this.#entries.filter((e, j) => j <= i || e[0] !== n);
    }
    delete(name) { const n = String(name); this.#entries = this.#entries.filter(e => e[0] !== n); }
    get(name) { const n = String(name), e = this.#entries.find(x => x[0] === n); return e ? e[1] : null; }
    getAll(name) { const n = String(name); return this.#entries.filter(e => e[0] === n).map(e => e[1]); }
    has(name) { const n = String(name); return this.#entries.some(e => e[0] === n); }
    forEach(fn, self) { for (const [k, v] of this.#entries.slice()) fn.call(self, v, k, this); }
    *entries() { for (const [k, v] of this.#entries.slice()) yield [k, v]; }
    *keys() { for (const [k] of this.#entries.slice()) yield k; }
    *values() { for (const [, v] of this.#entries.slice()) yield v; }
    [Symbol.iterator]() { return this.entries(); }
    get [Symbol.toStringTag]() { return 'FormData'; }
    static { formEntries = f => f.#entries; }
  }
  g.FormData = FormData;

  // ---- multipart/form-data, as the HTML standard writes and reads it ----
  const escapeField = s => s.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
  function encodeForm(form) {
    const boundary = '----formdata-valor-' + [...latin1ToBytes(host.random(12))].map(b => b.toString(16).padStart(2, '0')).join('');
    const encoder = new TextEncoder(), chunks = [];
    let size = 0;
    const add = b => { chunks.push(b); size += b.length; };
    for (const [name, value] of formEntries(form)) {
      let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeField(name.replace(/\r\n?|\n/g, '\r\n'))}"`;
      if (typeof value === 'string') {
        add(encoder.encode(`${head}\r\n\r\n${value.replace(/\r\n?|\n/g, '\r\n')}\r\n`));
      } else {
        head += `; filename="${escapeField(value.name)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`;
        add(encoder.encode(head));
        add(blobBytes(value));
        add(encoder.encode('\r\n'));
      }
    }
    add(encoder.encode(`--${boundary}--\r\n`));
    return { bytes: joinBytes(chunks, size), type: `multipart/form-data; boundary=${boundary}` };
  }
  // The parameter `name` of a header value such as `form-data; name="a"; filename="b"`.
  function headerParam(value, name) {
    const re = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
    const m = re.exec(value);
    return m === null ? null : m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
  }
  function indexOfBytes(bytes, needle, from) {
    const first = needle[0], last = bytes.length - needle.length;
    outer: for (let i = from; i <= last; i++) {
      if (bytes[i] !== first) continue;
      for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
      return i;
    }
    return -1;
  }
  const badForm = why => new TypeError('the body is not valid form data: ' + why);
  function parseMultipart(bytes, contentType) {
    const boundary = headerParam(contentType, 'boundary');
    if (!boundary) throw badForm('multipart/form-data without a boundary');
    const form = new FormData(), decoder = new TextDecoder();
    const delimiter = new TextEncoder().encode('--' + boundary);
    let at = indexOfBytes(bytes, delimiter, 0);
    if (at < 0) throw badForm('no part starts with the boundary');
    for (;;) {
      at += delimiter.length;
      if (bytes[at] === 0x2d && bytes[at + 1] === 0x2d) return form; // the closing delimiter
      if (bytes[at] !== 0x0d || bytes[at + 1] !== 0x0a) throw badForm('a boundary is not followed by CRLF');
      at += 2;
      const headEnd = indexOfBytes(bytes, [0x0d, 0x0a, 0x0d, 0x0a], at);
      if (headEnd < 0) throw badForm('a part has no end of its headers');
      const fields = new Headers();
      for (const line of bytesToLatin1(bytes.subarray(at, headEnd)).split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      const next = indexOfBytes(bytes, [0x0d, 0x0a, ...delimiter], headEnd + 4);
      if (next < 0) throw badForm('a part does not end with the boundary');
      const content = bytes.subarray(headEnd + 4, next);
      const disposition = fields.get('content-disposition') ?? '';
      const name = headerParam(disposition, 'name');
      if (!/^\s*form-data\s*(;|$)/i.test(disposition) || name === null) throw badForm('a part has no form-data name');
      const decode = s => decoder.decode(latin1ToBytes(s)); // header values arrive as UTF-8 bytes
      const filename = headerParam(disposition, 'filename');
      if (filename === null) form.append(decode(name), decoder.decode(content));
      else form.append(decode(name), new File([content], decode(filename), { type: fields.get('content-type') ?? 'text/plain' }));
      at = next + 2;
    }
  }
  function parseForm(bytes, contentType) {
    const essence = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (essence === 'multipart/form-data') return parseMultipart(bytes, contentType);
    if (essence === 'application/x-www-form-urlencoded') {
      const form = new FormData();
      for (const [k, v] of new URLSearchParams(new TextDecoder().decode(bytes))) form.append(k, v);
      return form;
    }
    throw new TypeError(`the body's content type (${contentType ?? 'none'}) is not a form's`);
  }
