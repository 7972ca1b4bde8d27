// Types of what Valor gives a JavaScript plugin (docs/js-plugins.md, docs/kv.md), for editors and
// `tsc --checkJs`: the `valor` global, a worker's message and answer, a module's env.

/** A key-value store the definition grants (`"capabilities": {"kv": ["NAME"]}`), in Workers KV's shapes. */
interface ValorKvStore {
  get(key: string): Promise<string | null>;
  get(key: string, type: 'text' | { type: 'text' }): Promise<string | null>;
  get(key: string, type: 'json' | { type: 'json' }): Promise<unknown | null>;
  get(key: string, type: 'arrayBuffer' | { type: 'arrayBuffer' }): Promise<ArrayBuffer | null>;
  put(key: string, value: string | ArrayBuffer | ArrayBufferView, options?: { expirationTtl?: number; expiration?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: { prefix?: string; limit?: number; cursor?: string | null }): Promise<
    { keys: { name: string; expiration?: number }[]; list_complete: true } |
    { keys: { name: string; expiration?: number }[]; list_complete: false; cursor: string }>;
  /** Adds delta (default 1) atomically; absent counts as 0. */
  increment(key: string, delta?: number): Promise<number>;
  /** Sets value only if the current one is expected (null: only if absent). */
  compareAndSwap(key: string, expected: string | ArrayBuffer | ArrayBufferView | null, value: string | ArrayBuffer | ArrayBufferView,
    options?: { expirationTtl?: number; expiration?: number }): Promise<boolean>;
}

/** A store's refusal: the message says why, the code what kind. */
interface ValorKvError extends Error {
  code: 'NOT_GRANTED' | 'NO_SUCH_STORE' | 'INVALID_KEY' | 'VALUE_TOO_LARGE' | 'QUOTA_EXCEEDED' | 'NOT_A_NUMBER'
    | 'INVALID_ARGUMENT' | 'UNAVAILABLE';
}

declare const valor: {
  /** The plugin's name. */
  readonly name: string;
  /** The definition's config, any JSON value, parsed; null when it has none. */
  readonly config: unknown;
  /** A granted store; a store not granted throws a TypeError. */
  kv(name: string): ValorKvStore;
  /** Provides a binding this plugin's definition declares in "plugs" (docs/composition.md). */
  plug(binding: string, functions: Record<string, (input: Uint8Array) => unknown>): void;
  /** The sockets the definition declares, by binding: each function answers its providers' results. */
  readonly sockets: Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
};

/** Worker style: what a message's data is. */
interface ValorRequestMessage {
  /** Absolute, with the plugin's prefix: http://host/prefix/path?query */
  url: string;
  method: string;
  headers: [string, string][];
  body: ArrayBuffer | null;
}

/** Worker style: what postMessage takes. Anything else is the plugin's error (a 500). */
interface ValorAnswer {
  status?: number;
  headers?: [string, string][] | Headers;
  body?: string | ArrayBuffer | ArrayBufferView | null;
}

declare function postMessage(answer: ValorAnswer): void;

/** Module style: `export default { fetch(request, env) }`, env holding the granted stores by name. */
type ValorEnv = Record<string, ValorKvStore>;
