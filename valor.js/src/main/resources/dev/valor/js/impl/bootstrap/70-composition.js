// A part of the bootstrap, in the closure 00-prelude.js opens (Bootstrap.java lists the order).
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
    plug, sockets: Object.freeze(sockets), kv: kvStore });

