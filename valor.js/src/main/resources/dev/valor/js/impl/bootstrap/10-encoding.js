// A part of the bootstrap, in the closure 00-prelude.js opens (Bootstrap.java lists the order).
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

