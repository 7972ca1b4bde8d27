// A part of the bootstrap, in the closure 00-prelude.js opens (Bootstrap.java lists the order).
  // ---- DOMException, Event, EventTarget, AbortController, performance, navigator ----
  const ERROR_CODES = { IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
    NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11, SyntaxError: 12,
    InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18,
    NetworkError: 19, AbortError: 20, URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23,
    InvalidNodeTypeError: 24, DataCloneError: 25 };
  class DOMException extends Error {
    #name;
    constructor(message = '', options = 'Error') {
      super(String(message));
      this.#name = typeof options === 'object' && options !== null ? String(options.name ?? 'Error') : String(options);
    }
    get name() { return this.#name; }
    get code() { return ERROR_CODES[this.#name] ?? 0; }
  }
  for (const [name, code] of Object.entries(ERROR_CODES)) {
    const constant = name.replace(/Error$/, '').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() + '_ERR';
    Object.defineProperty(DOMException, constant, { value: code, enumerable: true });
  }
  g.DOMException = DOMException;

  const timeOrigin = Date.now(), started = host.now();
  g.performance = Object.freeze({
    timeOrigin,
    now: () => host.now() - started,
    toJSON: () => ({ timeOrigin }),
  });
  g.navigator = Object.freeze({ userAgent: 'Valor' });

  let eventDispatching; // (event, target) => void: marks an event as being dispatched to target
  class Event {
    #type; #bubbles; #cancelable; #composed; #timeStamp;
    #defaultPrevented = false; #stopped = false; #target = null; #current = null;
    constructor(type, init = {}) {
      if (arguments.length === 0) throw new TypeError("Event: the 'type' argument is required");
      this.#type = String(type);
      this.#bubbles = !!init?.bubbles; this.#cancelable = !!init?.cancelable; this.#composed = !!init?.composed;
      this.#timeStamp = g.performance.now();
    }
    get type() { return this.#type; }
    get bubbles() { return this.#bubbles; }
    get cancelable() { return this.#cancelable; }
    get composed() { return this.#composed; }
    get defaultPrevented() { return this.#defaultPrevented; }
    get returnValue() { return !this.#defaultPrevented; }
    get target() { return this.#target; }
    get srcElement() { return this.#target; }
    get currentTarget() { return this.#current; }
    get eventPhase() { return this.#current === null ? 0 : 2; }
    get timeStamp() { return this.#timeStamp; }
    get isTrusted() { return false; }
    get cancelBubble() { return this.#stopped; }
    preventDefault() { if (this.#cancelable) this.#defaultPrevented = true; }
    stopPropagation() {}
    stopImmediatePropagation() { this.#stopped = true; }
    composedPath() { return this.#current === null ? [] : [this.#current]; }
    static {
      eventDispatching = (event, target) => {
        if (target !== null) { event.#target = target; event.#stopped = false; }
        event.#current = target;
        return () => event.#stopped;
      };
    }
  }
  for (const [name, value] of [['NONE', 0], ['CAPTURING_PHASE', 1], ['AT_TARGET', 2], ['BUBBLING_PHASE', 3]]) {
    Object.defineProperty(Event, name, { value, enumerable: true });
  }
  class CustomEvent extends Event {
    #detail;
    constructor(type, init = {}) { super(type, init); this.#detail = init?.detail ?? null; }
    get detail() { return this.#detail; }
  }
  class ErrorEvent extends Event {
    #init;
    constructor(type, init = {}) { super(type, init); this.#init = init ?? {}; }
    get message() { return String(this.#init.message ?? ''); }
    get filename() { return String(this.#init.filename ?? ''); }
    get lineno() { return this.#init.lineno >>> 0; }
    get colno() { return this.#init.colno >>> 0; }
    get error() { return this.#init.error; }
  }

  const capturing = options => typeof options === 'boolean' ? options : !!options?.capture;
  class EventTarget {
    #listeners = new Map(); // type -> [{ fn, capture, once, removed }], in the order added
    addEventListener(type, fn, options) {
      if (fn === null || fn === undefined) return;
      const capture = capturing(options), once = !!options?.once, signal = options?.signal;
      if (signal?.aborted) return;
      const t = String(type);
      const list = this.#listeners.get(t) ?? [];
      if (list.some(l => l.fn === fn && l.capture === capture)) return;
      const entry = { fn, capture, once, removed: false };
      list.push(entry);
      this.#listeners.set(t, list);
      signal?.addEventListener('abort', () => this.removeEventListener(t, fn, { capture }));
    }
    removeEventListener(type, fn, options) {
      const t = String(type), capture = capturing(options), list = this.#listeners.get(t);
      if (!list) return;
      const i = list.findIndex(l => l.fn === fn && l.capture === capture);
      if (i >= 0) { list[i].removed = true; list.splice(i, 1); }
    }
    dispatchEvent(event) {
      if (!(event instanceof Event)) throw new TypeError('dispatchEvent takes an Event');
      const stopped = eventDispatching(event, this);
      try {
        for (const l of (this.#listeners.get(event.type) ?? []).slice()) {
          if (l.removed) continue;
          if (l.once) this.removeEventListener(event.type, l.fn, { capture: l.capture });
          try {
            if (typeof l.fn === 'function') l.fn.call(this, event);
            else if (typeof l.fn?.handleEvent === 'function') l.fn.handleEvent(event);
          } catch (e) {
            g.reportError(e); // one listener's error stops neither the others nor the dispatcher
          }
          if (stopped()) break;
        }
      } finally {
        eventDispatching(event, null);
      }
      return !event.defaultPrevented;
    }
  }
  g.Event = Event;
  g.CustomEvent = CustomEvent;
  g.ErrorEvent = ErrorEvent;
  g.EventTarget = EventTarget;
  g.reportError = e => host.log(3, 'uncaught: ' + (e && e.stack || String(e)));

  const SIGNAL = Symbol('AbortSignal'); // only this closure makes signals
  let abortSignal; // (signal, reason) => void
  class AbortSignal extends EventTarget {
    #aborted = false; #reason = undefined; #onabort = null;
    constructor(key) {
      if (key !== SIGNAL) throw new TypeError('Illegal constructor');
      super();
    }
    get aborted() { return this.#aborted; }
    get reason() { return this.#reason; }
    throwIfAborted() { if (this.#aborted) throw this.#reason; }
    get onabort() { return this.#onabort; }
    set onabort(fn) {
      if (this.#onabort === null && typeof fn === 'function') this.addEventListener('abort', e => this.#onabort?.call(this, e));
      this.#onabort = typeof fn === 'function' ? fn : null;
    }
    static abort(reason) { const s = new AbortSignal(SIGNAL); abortSignal(s, reason); return s; }
    static timeout(ms) {
      const s = new AbortSignal(SIGNAL);
      g.setTimeout(() => abortSignal(s, new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
      return s;
    }
    static any(signals) {
      const s = new AbortSignal(SIGNAL), all = [...signals];
      const first = all.find(one => one.aborted);
      if (first) { abortSignal(s, first.reason); return s; }
      for (const one of all) one.addEventListener('abort', () => abortSignal(s, one.reason), { once: true });
      return s;
    }
    static {
      abortSignal = (s, reason) => {
        if (s.#aborted) return;
        s.#aborted = true;
        s.#reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
        s.dispatchEvent(new Event('abort'));
      };
    }
  }
  class AbortController {
    #signal = new AbortSignal(SIGNAL);
    get signal() { return this.#signal; }
    abort(reason) { abortSignal(this.#signal, reason); }
  }
  const neverAborted = () => new AbortSignal(SIGNAL);
  g.AbortSignal = AbortSignal;
  g.AbortController = AbortController;
