// valor.ts: Valor's reactor ABI (version 1) for AssemblyScript. See docs/wasm-abi.md.
// Built with --runtime stub: the request's allocations are dropped at once after each answer.

@external("valor", "respond")
declare function valor_respond(head: usize, headLen: usize, body: usize, bodyLen: usize): void;

@external("valor", "log")
declare function valor_log(level: i32, message: usize, length: usize): void;

/** The host writes the request head and body into memory it gets here. */
export function valor_alloc(length: usize): usize {
  return heap.alloc(length);
}

/** A request as the host hands it over: the head's first line and header lines, and the body. */
export class Request {
  method: string;
  path: string;
  query: string;
  headers: string;

  constructor(head: usize, headLength: usize, public body: usize, public bodyLength: usize) {
    const text = String.UTF8.decodeUnsafe(head, headLength);
    const eol = text.indexOf("\n");
    const first = eol < 0 ? text : text.substring(0, eol);
    const space = first.indexOf(" ");
    this.method = first.substring(0, space);
    const target = first.substring(space + 1);
    const q = target.indexOf("?");
    this.path = q < 0 ? target : target.substring(0, q);
    this.query = q < 0 ? "" : target.substring(q + 1);
    this.headers = eol < 0 ? "" : text.substring(eol + 1);
  }
}

/** Answers with a status and a UTF-8 text body. */
export function respondText(status: i32, text: string): void {
  const head = String.UTF8.encode(status.toString() + "\ncontent-type: text/plain; charset=utf-8\n");
  const body = String.UTF8.encode(text);
  valor_respond(changetype<usize>(head), head.byteLength, changetype<usize>(body), body.byteLength);
}

/** A line in the runtime's log under the plugin's name (0 debug, 1 info, 2 warn, 3 error). */
export function log(level: i32, message: string): void {
  const bytes = String.UTF8.encode(message);
  valor_log(level, changetype<usize>(bytes), bytes.byteLength);
}

/** Ends a request: everything it allocated is freed. Return its result from valor_handle. */
export function done(): i32 {
  heap.reset();
  return 0;
}

/** Answers with a status, header lines ("name: value\n" each) and a UTF-8 text body. */
export function respond(status: i32, headers: string, text: string): void {
  const head = String.UTF8.encode(status.toString() + "\n" + headers);
  const body = String.UTF8.encode(text);
  valor_respond(changetype<usize>(head), head.byteLength, changetype<usize>(body), body.byteLength);
}

/** The first value of a query parameter, decoded ('+' and %XX), or null when absent. */
export function queryParam(query: string, name: string): string | null {
  const pairs = query.split("&");
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i];
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.substring(0, eq);
    if (key == name) {
      return eq < 0 ? "" : decodeURIComponent(pair.substring(eq + 1).replaceAll("+", " "));
    }
  }
  return null;
}

// ---- Key-value stores (docs/kv.md): granted by the definition's "capabilities": {"kv": [...]} ----

@external("valor", "kv_get")
declare function valor_kv_get(store: usize, storeLen: usize, key: usize, keyLen: usize, buf: usize, cap: usize): i32;
@external("valor", "kv_put")
declare function valor_kv_put(store: usize, storeLen: usize, key: usize, keyLen: usize, value: usize, valueLen: usize, ttl: i64): i32;
@external("valor", "kv_delete")
declare function valor_kv_delete(store: usize, storeLen: usize, key: usize, keyLen: usize): i32;
@external("valor", "kv_increment")
declare function valor_kv_increment(store: usize, storeLen: usize, key: usize, keyLen: usize, delta: i64, out: usize): i32;

/** What the kv functions return when they cannot do what was asked (valor.h's VALOR_KV_...). */
export namespace KV {
  export const ABSENT: i32 = -1;
  export const NOT_GRANTED: i32 = -2;
  export const NO_SUCH_STORE: i32 = -3;
  export const INVALID_KEY: i32 = -4;
  export const VALUE_TOO_LARGE: i32 = -5;
  export const QUOTA_EXCEEDED: i32 = -6;
  export const NOT_A_NUMBER: i32 = -7;
  export const INVALID_ARGUMENT: i32 = -8;
  export const UNAVAILABLE: i32 = -9;
}

/** A key-value store the definition grants; each call sets code: 0, or why it was refused. */
export class Store {
  code: i32 = 0;
  private storeName: ArrayBuffer;

  constructor(name: string) {
    this.storeName = String.UTF8.encode(name);
  }

  /** The value as text, or null when absent or refused (see code). */
  get(key: string): string | null {
    const k = String.UTF8.encode(key);
    let cap: i32 = 256;
    for (;;) {
      const buf = new ArrayBuffer(cap);
      const n = valor_kv_get(this.s(), this.storeName.byteLength, changetype<usize>(k), k.byteLength,
        changetype<usize>(buf), cap);
      if (n < 0) {
        this.code = n;
        return null;
      }
      if (n <= cap) {
        this.code = 0;
        return String.UTF8.decodeUnsafe(changetype<usize>(buf), n);
      }
      cap = n; // it grew between the calls: ask again with its new size
    }
  }

  /** Sets the value (ttl seconds, 0: no expiry); true if done. */
  put(key: string, value: string, ttl: i64 = 0): bool {
    const k = String.UTF8.encode(key);
    const v = String.UTF8.encode(value);
    this.code = valor_kv_put(this.s(), this.storeName.byteLength, changetype<usize>(k), k.byteLength,
      changetype<usize>(v), v.byteLength, ttl);
    return this.code == 0;
  }

  /** Removes the key; true if it was there. */
  delete(key: string): bool {
    const k = String.UTF8.encode(key);
    const rc = valor_kv_delete(this.s(), this.storeName.byteLength, changetype<usize>(k), k.byteLength);
    this.code = rc < 0 ? rc : 0;
    return rc == 1;
  }

  /** Adds delta atomically (absent counts as 0); the new value, or 0 when refused (see code). */
  increment(key: string, delta: i64 = 1): i64 {
    const k = String.UTF8.encode(key);
    const out = new ArrayBuffer(8);
    this.code = valor_kv_increment(this.s(), this.storeName.byteLength, changetype<usize>(k), k.byteLength, delta,
      changetype<usize>(out));
    return this.code == 0 ? load<i64>(changetype<usize>(out)) : 0;
  }

  private s(): usize {
    return changetype<usize>(this.storeName);
  }
}
