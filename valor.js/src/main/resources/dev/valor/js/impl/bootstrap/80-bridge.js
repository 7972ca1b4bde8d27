// A part of the bootstrap, in the closure 00-prelude.js opens (Bootstrap.java lists the order).
  // ---- fetch: relative URLs to other plugins in-process, absolute ones to granted hosts only ----
  let fetchSeq = 0;
  const fetches = new Map();
  g.fetch = (input, init) => new Promise((resolve, reject) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init ?? {});
    const flat = fieldsOf(request.headers);
    if (flat.some(f => f.includes('\0'))) throw nulIn(flat); // rejects before anything is pending
    const text = flat.join('\0');
    const signal = signalOf(request);
    if (signal !== null && signal.aborted) { reject(signal.reason); return; }
    const id = ++fetchSeq;
    fetches.set(id, { resolve, reject });
    // Aborted, the fetch rejects with the signal's reason; the host's answer, if any, is dropped.
    if (signal !== null) signal.addEventListener('abort', () => { if (fetches.delete(id)) reject(signal.reason); }, { once: true });
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

  // A streamed request body (the definition's request.streamed): a chunk asked of the host each
  // time the stream pulls; the loop settles it (JsWorker's JsBodyReader). Nothing is read ahead.
  let bodyPull = null;
  const requestBody = () => new ReadableStream({
    type: 'bytes',
    pull(controller) {
      return new Promise((resolve, reject) => { bodyPull = { controller, resolve, reject }; host.pullBody(); });
    },
    cancel() { bodyPull = null; host.cancelBody(); },
  }, { highWaterMark: 0 });
  function settleBody(chunk, failure) {
    const pull = bodyPull;
    bodyPull = null;
    if (pull === null) return;
    if (failure !== null) pull.reject(new TypeError('the request body could not be read: ' + failure));
    else if (chunk === null) { pull.controller.close(); pull.resolve(); }
    else { pull.controller.enqueue(latin1ToBytes(chunk)); pull.resolve(); }
  }

  // A streamed answer's reader, from its head until the stream ends or is cancelled (JsWorker.pump).
  let streamReader = null;
  // The head now; the body as the stream gives it, each chunk sent when the client can take it.
  function answerStream(status, flat, stream) {
    if (stream.locked) throw new TypeError('the answer\'s body stream is locked: something reads it already');
    streamReader = stream.getReader();
    answer(status, flat, null, STREAM);
  }
  const chunkOf = value => {
    if (value instanceof Uint8Array) return value;
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return toBytes(value);
    throw new TypeError(`a response body stream gives Uint8Array chunks, not ${describe(value)}`);
  };

  // The module handler's third argument, as Workers give it. waitUntil's promises are counted per
  // request: the worker stays the request's after its answer until they settle (JsWorker.finishWaits).
  let waits = { n: 0 };
  const moduleContext = Object.freeze({
    waitUntil(promise) {
      const count = waits;
      if (count.n++ === 0) host.waited(); // tells the host to look, so a request without waits never asks
      Promise.resolve(promise).catch(e => g.reportError(e)).finally(() => { count.n--; });
    },
    passThroughOnException() {}, // there is no origin behind a plugin to pass the request to
  });

  // An own, enumerable data property, where an accessor stood until the first read or write.
  function own(object, key, value) {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
    return value;
  }

  return Object.freeze({
    runTimers,
    settleFetch,
    settleSocket,
    settleKv,
    settleBody,
    pendingFetches: () => fetches.size + socketCalls.size + kvCalls.size + (bodyPull === null ? 0 : 1),
    waiting: () => waits.n,
    // The next chunk of a streamed answer: host.chunk(bytes) or host.chunk(null) at its end.
    pullChunk() {
      const reader = streamReader;
      reader.read().then(({ done, value }) => {
        if (done) { streamReader = null; host.chunk(null); return; }
        host.chunk(chunkOf(value));
      }).catch(e => {
        streamReader = null;
        reader.cancel(e).catch(() => {});
        host.chunkFailed(String(e && e.message || e));
      });
    },
    // The client went away (or the stream's time ran out): the stream's cancel runs, as in Workers.
    cancelStream() {
      const reader = streamReader;
      streamReader = null;
      if (reader === null) { host.streamCancelled(); return; }
      reader.cancel(new DOMException('the client went away', 'AbortError'))
        .catch(e => g.reportError(e))
        .finally(() => host.streamCancelled());
    },
    plugged: () => [...plugs.keys()],
    // A consumer's call to one of this plugin's plug functions.
    async callPlug(binding, fn, input) {
      fetches.clear(); socketCalls.clear(); kvCalls.clear();
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
      if (kvCalls.size) kvCalls.clear();
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
    async dispatchModule(handler, url, method, headers, body, streamed) {
      fetches.clear(); socketCalls.clear(); kvCalls.clear();
      waits = { n: 0 };
      bodyPull = null;
      const request = new Request(INCOMING, { url, method, headers, body: streamed ? requestBody() : body });
      const response = await handler(request, kvEnv, moduleContext);
      if (!(response instanceof Response)) throw new TypeError('the handler did not return a Response');
      const stream = bodyStream(response);
      const whole = stream === undefined ? undefined : unreadBytes(stream);
      if (whole !== undefined) {
        answer(response.status, fieldsOf(response.headers), whole.length ? whole : null, BYTES);
        return;
      }
      if (stream !== undefined) { answerStream(response.status, fieldsOf(response.headers), stream); return; }
      const text = bodyText(response);
      if (text !== undefined) { answer(response.status, fieldsOf(response.headers), text, TEXT_AS_GIVEN); return; }
      const bytes = bodyBytes(response);
      answer(response.status, fieldsOf(response.headers), bytes, BYTES);
    },
  });
})
