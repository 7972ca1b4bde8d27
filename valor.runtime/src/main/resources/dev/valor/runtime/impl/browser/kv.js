// Valor's key-value stores in the browser (docs/kv.md): the same valor.kv API and wasm imports
// as on the server, kept in the page's IndexedDB. They are the visitor's own, not the server's:
// nothing written here reaches the server, nothing the server holds is read here.
//
// JavaScript plugins get store(name): async, every read-modify-write in one IndexedDB
// transaction, so atomic across the page's Workers. WebAssembly imports are synchronous, so a
// wasm plugin gets mirror(name): the store loaded into its Worker, read from memory, written
// through to IndexedDB, and told of other Workers' writes on a BroadcastChannel.
self.valorKv = (() => {
  const MAX_KEY_BYTES = 512, MAX_VALUE_BYTES = 1 << 20, MAX_PAGE = 1000;
  const utf8 = new TextEncoder();
  const text = new TextDecoder();
  const changes = new BroadcastChannel('valor-kv');
  let db = null;
  const open = () => db || (db = new Promise((resolve, reject) => {
    const r = indexedDB.open('valor-kv', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('kv');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  }));
  const done = request => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

  class Refusal extends Error {
    constructor(code, message) { super(message); this.code = code; }
  }
  const CODES = { ABSENT: -1, NOT_GRANTED: -2, NO_SUCH_STORE: -3, INVALID_KEY: -4, VALUE_TOO_LARGE: -5,
    QUOTA_EXCEEDED: -6, NOT_A_NUMBER: -7, INVALID_ARGUMENT: -8, UNAVAILABLE: -9 };

  function checkKey(name, key) {
    if (typeof key !== 'string') throw new TypeError('a key is a string');
    const n = utf8.encode(key).length;
    if (n === 0) throw new Refusal('INVALID_KEY', `kv ${name}: a key must not be empty`);
    if (n > MAX_KEY_BYTES) throw new Refusal('INVALID_KEY', `kv ${name}: the key is ${n} bytes, more than ${MAX_KEY_BYTES}`);
    return key;
  }
  function bytes(value) {
    if (typeof value === 'string') return utf8.encode(value);
    if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    throw new TypeError('a value is a string, an ArrayBuffer or a typed array');
  }
  function checkValue(name, v) {
    if (v.length > MAX_VALUE_BYTES) {
      throw new Refusal('VALUE_TOO_LARGE', `kv ${name}: the value is ${v.length} bytes, more than the store's ${MAX_VALUE_BYTES}`);
    }
    return v;
  }
  function expiresAt(name, ttl) {
    if (!Number.isInteger(ttl) || ttl < 0) throw new Refusal('INVALID_ARGUMENT', `kv ${name}: an expiry is a whole number of seconds, not ${ttl}`);
    return ttl === 0 ? 0 : Date.now() + ttl * 1000;
  }
  const live = r => r !== undefined && r !== null && (r.e === 0 || r.e > Date.now());
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  function number(name, record) {
    if (!live(record)) return 0n;
    const s = text.decode(record.v);
    if (!/^-?\d{1,19}$/.test(s)) throw new Refusal('NOT_A_NUMBER', `kv ${name}: the value is not the decimal text of a 64-bit integer: it cannot be incremented`);
    return BigInt(s);
  }
  function add(name, value, delta) {
    const sum = value + BigInt(delta);
    if (sum > 9223372036854775807n || sum < -9223372036854775808n) throw new Refusal('NOT_A_NUMBER', `kv ${name}: incrementing ${value} by ${delta} overflows`);
    return sum;
  }
  function page(name, entries, prefix, limit, cursor) {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new Refusal('INVALID_ARGUMENT', `kv ${name}: a page holds 1 to ${MAX_PAGE} keys, not ${limit}`);
    let after = null;
    if (cursor !== null && cursor !== undefined && cursor !== '') {
      try { after = decodeURIComponent(escape(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')))); } catch (e) { after = null; }
      if (after === null || after === '') throw new Refusal('INVALID_ARGUMENT', `kv ${name}: not a cursor this store gave: ${cursor}`);
    }
    const keys = entries.filter(([k, r]) => k.startsWith(prefix) && (after === null || k > after) && live(r)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const shown = keys.slice(0, limit).map(([k, r]) => (r.e ? { name: k, expiration: Math.ceil(r.e / 1000) } : { name: k }));
    const more = keys.length > limit;
    const last = shown.length ? shown[shown.length - 1].name : null;
    const next = more ? btoa(unescape(encodeURIComponent(last))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') : null;
    return { keys: shown, cursor: next };
  }

  // ---- JavaScript: async, over IndexedDB transactions ----
  async function tx(name, work) {
    const d = await open();
    const t = d.transaction('kv', 'readwrite');
    const completed = new Promise((resolve, reject) => {
      t.oncomplete = resolve;
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
    const result = await work(t.objectStore('kv'));
    await completed; // acknowledged only once IndexedDB has it
    return result;
  }
  const announce = (store, key, record) => changes.postMessage({ store, key, record });
  async function all(name) {
    const d = await open();
    const os = d.transaction('kv', 'readonly').objectStore('kv');
    const range = IDBKeyRange.bound([name, ''], [name, '\uffff'.repeat(2)]);
    const [keys, values] = await Promise.all([done(os.getAllKeys(range)), done(os.getAll(range))]);
    return keys.map((k, i) => [k[1], values[i]]);
  }
  function store(name) {
    return Object.freeze({
      async get(key, type) {
        type = type !== null && typeof type === 'object' ? type.type : type;
        type = type === undefined ? 'text' : type;
        if (!['text', 'json', 'arrayBuffer'].includes(type)) throw new TypeError(`unknown type '${type}' (text, json or arrayBuffer)`);
        const d = await open();
        const r = await done(d.transaction('kv', 'readonly').objectStore('kv').get([name, checkKey(name, key)]));
        if (!live(r)) return null;
        const v = new Uint8Array(r.v);
        return type === 'text' ? text.decode(v) : type === 'json' ? JSON.parse(text.decode(v)) : v.buffer.slice(0);
      },
      async put(key, value, options) {
        const record = { v: checkValue(name, bytes(value)), e: expiresAt(name, ttlOf(options)) };
        await tx(name, os => done(os.put(record, [name, checkKey(name, key)])));
        announce(name, key, record);
      },
      async delete(key) {
        await tx(name, os => done(os.delete([name, checkKey(name, key)])));
        announce(name, key, null);
      },
      async list(options) {
        const o = options ?? {};
        const p = page(name, await all(name), o.prefix === undefined || o.prefix === null ? '' : String(o.prefix),
          o.limit === undefined ? MAX_PAGE : Number(o.limit), o.cursor);
        return p.cursor === null ? { keys: p.keys, list_complete: true } : { keys: p.keys, list_complete: false, cursor: p.cursor };
      },
      async increment(key, delta = 1) {
        if (!Number.isInteger(delta)) throw new TypeError('delta is an integer');
        checkKey(name, key);
        let record;
        const value = await tx(name, async os => {
          const old = await done(os.get([name, key]));
          const v = add(name, number(name, old), delta);
          record = { v: utf8.encode(String(v)), e: live(old) ? old.e : 0 };
          await done(os.put(record, [name, key]));
          return v;
        });
        announce(name, key, record);
        return Number(value);
      },
      async compareAndSwap(key, expected, value, options) {
        checkKey(name, key);
        const want = expected === null || expected === undefined ? null : bytes(expected);
        const record = { v: checkValue(name, bytes(value)), e: expiresAt(name, ttlOf(options)) };
        const swapped = await tx(name, async os => {
          const old = await done(os.get([name, key]));
          const current = live(old) ? new Uint8Array(old.v) : null;
          if (want === null ? current !== null : current === null || !same(current, want)) return false;
          await done(os.put(record, [name, key]));
          return true;
        });
        if (swapped) announce(name, key, record);
        return swapped;
      },
    });
  }
  function ttlOf(options) {
    if (options === undefined || options === null) return 0;
    if (options.expirationTtl !== undefined) return Number(options.expirationTtl);
    if (options.expiration !== undefined) return Math.max(1, Math.ceil(Number(options.expiration) - Date.now() / 1000));
    return 0;
  }

  // ---- WebAssembly: synchronous, over a mirror of the store in this Worker ----
  async function mirror(name) {
    const map = new Map(await all(name));
    changes.addEventListener('message', e => {
      if (e.data.store !== name) return;
      if (e.data.record === null) map.delete(e.data.key); else map.set(e.data.key, e.data.record);
    });
    let writes = Promise.resolve();
    const persist = (key, record) => {
      writes = writes.then(() => tx(name, os => done(record === null ? os.delete([name, key]) : os.put(record, [name, key]))))
        .catch(e => console.error('[valor kv] ' + name + ': ' + e));
      announce(name, key, record);
    };
    const set = (key, record) => { map.set(key, record); persist(key, record); };
    return {
      get: key => { const r = map.get(checkKey(name, key)); return live(r) ? new Uint8Array(r.v) : null; },
      put: (key, v, ttl) => set(checkKey(name, key), { v: checkValue(name, v), e: expiresAt(name, ttl) }),
      delete: key => { const was = live(map.get(checkKey(name, key))); map.delete(key); persist(key, null); return was; },
      increment: (key, delta) => {
        const old = map.get(checkKey(name, key));
        const v = add(name, number(name, old), delta);
        set(key, { v: utf8.encode(String(v)), e: live(old) ? old.e : 0 });
        return v;
      },
      cas: (key, expected, v, ttl) => {
        const old = map.get(checkKey(name, key));
        const current = live(old) ? new Uint8Array(old.v) : null;
        if (expected === null ? current !== null : current === null || !same(current, expected)) return false;
        set(key, { v: checkValue(name, v), e: expiresAt(name, ttl) });
        return true;
      },
      list: (prefix, limit, cursor) => page(name, [...map.entries()], prefix, limit, cursor),
    };
  }

  return Object.freeze({ store, mirror, Refusal, CODES });
})();
