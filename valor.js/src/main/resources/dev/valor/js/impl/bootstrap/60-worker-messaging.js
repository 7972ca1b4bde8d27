// A part of the bootstrap, in the closure 00-prelude.js opens (Bootstrap.java lists the order).
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
  // How a body crosses: the codes and their meaning are JsWire's (Java), the one owner of the forms.
  const { TEXT, BYTES, TEXT_AS_GIVEN, STREAM } = host.wire;
  function answer(status, flat, body, form) {
    if (!host.respond(status, flat.join('\0'), flat.length, body, form)) throw nulIn(flat);
  }
  // An answer of the wrong shape is the plugin's error (a 500, and the reason in the log), not an
  // empty or "[object Object]" body that looks like success.
  const describe = v => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object'
    ? `an object (${String(v.constructor && v.constructor.name || 'Object')})` : `a ${typeof v} (${JSON.stringify(String(v).slice(0, 40))})`);
  const respond = message => {
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      throw new TypeError(`postMessage takes an answer, {status, headers, body}, not ${describe(message)}`);
    }
    const m = message;
    const h = m.headers;
    const flat = h === undefined || h === null ? [] : h instanceof Headers ? fieldsOf(h) : headerFields(h);
    const status = m.status ?? 200, body = m.body;
    if (body === null || body === undefined) answer(status, flat, null, TEXT);
    else if (typeof body === 'string') answer(status, flat, body, TEXT);
    else if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) answer(status, flat, toBytes(body), BYTES);
    else if (body instanceof Blob) answer(status, flat, blobBytes(body), BYTES);
    else if (isStream(body)) answerStream(status, flat, body); // posted with [stream] as its transfer list in a browser
    else throw new TypeError(`an answer's body is null, a string, an ArrayBuffer, a typed array, a Blob or a ReadableStream, not ${describe(body)}`
      + (typeof body === 'object' ? ': JSON.stringify it' : ''));
  };
  g.postMessage = respond;

