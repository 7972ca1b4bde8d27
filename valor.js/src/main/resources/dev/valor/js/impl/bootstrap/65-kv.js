// A part of the bootstrap, in the closure 00-prelude.js opens (Bootstrap.java lists the order).
  // ---- key-value stores the definition grants (docs/kv.md), in Workers KV's shapes ----
  const grantedStores = JSON.parse(host.kvStores);
  let kvSeq = 0;
  const kvCalls = new Map();
  const kvCall = (op, store, key, a, b, n) => new Promise((resolve, reject) => {
    const id = ++kvSeq;
    kvCalls.set(id, { resolve, reject });
    try {
      host.kv(id, op, store, key, a, b, n);
    } catch (e) {
      kvCalls.delete(id); // nothing will settle it: the loop must not wait for it
      reject(e);
    }
  });
  function settleKv(id, error, result) {
    const pending = kvCalls.get(id);
    if (!pending) return;
    kvCalls.delete(id);
    if (error === null) { pending.resolve(result); return; }
    const e = new Error(error);
    e.code = result; // KeyValueException.Reason's name: VALUE_TOO_LARGE, UNAVAILABLE, ...
    pending.reject(e);
  }
  const keyOf = key => {
    if (typeof key !== 'string') throw new TypeError('a key is a string');
    return key;
  };
  // Bytes of a value as the host's Latin-1, or a string as itself (the host encodes it as UTF-8).
  function valueOf(value) {
    if (typeof value === 'string') return [value, 0];
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return [bytesToLatin1(toBytes(value)), 1];
    throw new TypeError('a value is a string, an ArrayBuffer or a typed array');
  }
  // A value's bytes as the host's Latin-1 (a string's UTF-8).
  function bytesOf(value) {
    valueOf(value); // the same types as put
    return bytesToLatin1(toBytes(value));
  }
  function ttlOf(options) {
    if (options === undefined || options === null) return 0;
    if (options.expirationTtl !== undefined) return Number(options.expirationTtl);
    if (options.expiration !== undefined) return Math.max(1, Math.ceil(Number(options.expiration) - Date.now() / 1000));
    return 0;
  }
  const stores = new Map();
  function kvStore(name) {
    name = String(name);
    if (!grantedStores.includes(name)) {
      throw new TypeError(`the store '${name}' is not granted to this plugin (grant it in capabilities.kv)`);
    }
    let store = stores.get(name);
    if (store) return store;
    store = Object.freeze({
      async get(key, type) {
        type = type !== null && typeof type === 'object' ? type.type : type;
        type = type === undefined ? 'text' : type;
        if (!['text', 'json', 'arrayBuffer'].includes(type)) throw new TypeError(`unknown type '${type}' (text, json or arrayBuffer)`);
        const v = await kvCall('get', name, keyOf(key), type === 'arrayBuffer' ? 'bytes' : 'text', null, 0);
        if (v === null) return null;
        return type === 'text' ? v : type === 'json' ? JSON.parse(v) : latin1ToBytes(v).buffer;
      },
      async put(key, value, options) {
        const [v, form] = valueOf(value);
        await kvCall('put', name, keyOf(key), v, form, ttlOf(options));
      },
      async delete(key) {
        await kvCall('delete', name, keyOf(key), null, null, 0);
      },
      async list(options) {
        const o = options ?? {};
        const page = JSON.parse(await kvCall('list', name, '', o.prefix === undefined || o.prefix === null ? '' : String(o.prefix),
          o.cursor === undefined || o.cursor === null ? null : String(o.cursor), o.limit === undefined ? 1000 : Number(o.limit)));
        const keys = page.keys.map(k => (k.expiration ? { name: k.name, expiration: k.expiration } : { name: k.name }));
        return page.cursor === null ? { keys, list_complete: true } : { keys, list_complete: false, cursor: page.cursor };
      },
      async increment(key, delta = 1) {
        if (typeof delta !== 'number' || !Number.isInteger(delta)) throw new TypeError('delta is an integer');
        return Number(await kvCall('increment', name, keyOf(key), null, null, delta));
      },
      async compareAndSwap(key, expected, value, options) {
        const e = expected === null || expected === undefined ? null : bytesOf(expected);
        return await kvCall('cas', name, keyOf(key), e, bytesOf(value), ttlOf(options));
      },
    });
    stores.set(name, store);
    return store;
  }
  // Module style's env: each granted store under its name, as Workers code reads its bindings.
  const kvEnv = Object.freeze(Object.fromEntries(grantedStores.map(n => [n, kvStore(n)])));

