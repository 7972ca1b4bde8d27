// A part of the bootstrap, in the closure 00-prelude.js opens (Bootstrap.java lists the order).
  // ---- WHATWG Streams: made the first time a plugin (or a body) uses one ----
  // host.streams() evaluates web-streams-polyfill (npm, MIT: the reference implementation's
  // algorithms) in this context and gives its exports: ~65 KB of script a plugin that never
  // streams never pays for.
  let streams = null;
  const streamsOf = () => streams ?? (streams = host.streams());
  const isStream = v => streams !== null && v instanceof streams.ReadableStream; // none before the first
  function lazyGlobal(name, make) {
    Object.defineProperty(g, name, {
      configurable: true, enumerable: false,
      get() { const v = make(); Object.defineProperty(g, name, { value: v, writable: true, configurable: true, enumerable: false }); return v; },
      set(v) { Object.defineProperty(g, name, { value: v, writable: true, configurable: true, enumerable: false }); },
    });
  }
  for (const name of ['ReadableStream', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader',
      'ReadableStreamBYOBRequest', 'ReadableStreamDefaultController', 'ReadableByteStreamController',
      'WritableStream', 'WritableStreamDefaultWriter', 'WritableStreamDefaultController',
      'TransformStream', 'TransformStreamDefaultController', 'ByteLengthQueuingStrategy', 'CountQueuingStrategy']) {
    lazyGlobal(name, () => streamsOf()[name]);
  }
  // A stream of the given bytes, as a body's: a byte stream, so BYOB readers work too. Until
  // something reads it, its bytes are known (unread), and an answer made of it is sent as they
  // are, not chunk by chunk: frameworks re-wrap answers as new Response(other.body, other).
  const unread = new WeakMap();
  function bytesStream(bytes) {
    const stream = new (streamsOf().ReadableStream)({
      type: 'bytes',
      pull(c) { unread.delete(stream); if (bytes.length) c.enqueue(bytes); c.close(); },
    });
    unread.set(stream, bytes);
    return stream;
  }
  const unreadBytes = stream => (stream.locked ? undefined : unread.get(stream));
  // All of a body stream's chunks, joined; each must be a Uint8Array, as in browsers.
  async function readAll(stream) {
    const reader = stream.getReader(), chunks = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!(value instanceof Uint8Array)) {
        reader.cancel(new TypeError('a body chunk is not a Uint8Array')).catch(() => {});
        throw new TypeError(`a body stream gave ${value === null ? 'null' : typeof value === 'object' ? 'a ' + value.constructor?.name : 'a ' + typeof value}, not a Uint8Array`);
      }
      chunks.push(value);
      size += value.length;
    }
    return joinBytes(chunks, size);
  }
  function joinBytes(chunks, size) {
    if (chunks.length === 1) return chunks[0].slice();
    const all = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) { all.set(c, at); at += c.length; }
    return all;
  }

  // ---- TextEncoderStream, TextDecoderStream ----
  class TextEncoderStream {
    #pair;
    constructor() {
      const encoder = new TextEncoder();
      let high = ''; // a chunk's last lone high surrogate waits for the next chunk's low one
      this.#pair = new (streamsOf().TransformStream)({
        transform(chunk, c) {
          let s = high + String(chunk);
          high = '';
          const last = s.charCodeAt(s.length - 1);
          if (last >= 0xd800 && last <= 0xdbff) { high = s.slice(-1); s = s.slice(0, -1); }
          if (s.length) c.enqueue(encoder.encode(s));
        },
        flush(c) { if (high) c.enqueue(encoder.encode(high)); },
      });
    }
    get encoding() { return 'utf-8'; }
    get readable() { return this.#pair.readable; }
    get writable() { return this.#pair.writable; }
  }
  class TextDecoderStream {
    #pair; #decoder;
    constructor(label = 'utf-8', options = {}) {
      const decoder = this.#decoder = new TextDecoder(label, options);
      this.#pair = new (streamsOf().TransformStream)({
        transform(chunk, c) {
          const s = decoder.decode(chunk, { stream: true });
          if (s) c.enqueue(s);
        },
        flush(c) { const s = decoder.decode(); if (s) c.enqueue(s); },
      });
    }
    get encoding() { return this.#decoder.encoding; }
    get fatal() { return this.#decoder.fatal; }
    get ignoreBOM() { return this.#decoder.ignoreBOM; }
    get readable() { return this.#pair.readable; }
    get writable() { return this.#pair.writable; }
  }
  g.TextEncoderStream = TextEncoderStream;
  g.TextDecoderStream = TextDecoderStream;

  // ---- CompressionStream, DecompressionStream: the JDK's zlib through the host (Codec.java) ----
  const FORMATS = ['gzip', 'deflate', 'deflate-raw'];
  function codecStream(format, compress) {
    const f = String(format);
    if (!FORMATS.includes(f)) throw new TypeError(`the compression format must be gzip, deflate or deflate-raw, not '${f}'`);
    const codec = host.codec(f, compress);
    const emit = ([failure, out], c) => {
      if (failure !== null) throw new TypeError(`${compress ? 'compression' : 'decompression'} failed: ${failure}`);
      if (out.length) c.enqueue(latin1ToBytes(out));
    };
    return new (streamsOf().TransformStream)({
      transform(chunk, c) {
        if (!(chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk))) throw new TypeError('a chunk to (de)compress is an ArrayBuffer or a view of one');
        emit(codec.push(bytesToLatin1(toBytes(chunk))), c);
      },
      flush(c) { emit(codec.end(), c); },
    });
  }
  class CompressionStream {
    #pair;
    constructor(format) { this.#pair = codecStream(format, true); }
    get readable() { return this.#pair.readable; }
    get writable() { return this.#pair.writable; }
  }
  class DecompressionStream {
    #pair;
    constructor(format) { this.#pair = codecStream(format, false); }
    get readable() { return this.#pair.readable; }
    get writable() { return this.#pair.writable; }
  }
  g.CompressionStream = CompressionStream;
  g.DecompressionStream = DecompressionStream;
