package dev.valor.http.impl.dispatch;

/** Something the {@link Watchdog} ends once its deadline passes: a plugin's call, a body on its way. */
interface Expiring {

    /** The deadline in {@link System#nanoTime()} terms; read on every sweep, so it may move. */
    long deadlineNanos();

    /** Called once the deadline passed, on the sweeper's thread; must not block. */
    void expire();
}
