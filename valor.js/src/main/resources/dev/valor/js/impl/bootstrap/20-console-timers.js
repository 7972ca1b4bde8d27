// A part of the bootstrap, in the closure 00-prelude.js opens (Bootstrap.java lists the order).
  // ---- console: lines in the runtime's log under the plugin's name ----
  const format = args => args.map(a => typeof a === 'string' ? a : (() => {
    try { return JSON.stringify(a); } catch (e) { return String(a); }
  })()).join(' ');
  g.console = Object.freeze({
    debug: (...a) => host.log(0, format(a)), log: (...a) => host.log(1, format(a)),
    info: (...a) => host.log(1, format(a)), warn: (...a) => host.log(2, format(a)),
    error: (...a) => host.log(3, format(a)),
  });

  // ---- timers: run by the host's loop between events ----
  let timerSeq = 0;
  const timers = new Map();
  g.setTimeout = (fn, ms = 0, ...args) => {
    const id = ++timerSeq;
    timers.set(id, { due: host.now() + Math.max(0, Number(ms) || 0), fn, args, every: 0 });
    return id;
  };
  g.setInterval = (fn, ms = 0, ...args) => {
    const every = Math.max(1, Number(ms) || 0);
    const id = ++timerSeq;
    timers.set(id, { due: host.now() + every, fn, args, every });
    return id;
  };
  g.clearTimeout = g.clearInterval = id => { timers.delete(id); };
  g.queueMicrotask = fn => { Promise.resolve().then(fn); };
  // The wait until the next timer is due, -1 if none; 0 after running one, since what it started
  // (a promise's reactions, which may set the next timer) runs only once this call has returned.
  function runTimers() {
    const now = host.now();
    let ran = false;
    for (const [id, t] of [...timers]) {
      if (t.due <= now && timers.has(id)) {
        if (t.every) t.due = now + t.every; else timers.delete(id);
        ran = true;
        t.fn(...t.args);
      }
    }
    if (ran) return 0;
    let next = -1;
    const after = host.now();
    for (const t of timers.values()) {
      const wait = Math.max(0, t.due - after);
      if (next < 0 || wait < next) next = wait;
    }
    return next;
  }

