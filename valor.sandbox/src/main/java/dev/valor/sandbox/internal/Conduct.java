package dev.valor.sandbox.internal;

import java.util.concurrent.TimeUnit;

/**
 * How one plugin has behaved lately: a call that trapped, threw, ran past its deadline or its
 * memory bound marks it, and for the next ten seconds its calls run at the lowest priority from
 * their first instant, so a plugin that keeps misbehaving cannot take the CPU from the others
 * (see {@link Deadlines#DEMOTE_AFTER_MS}).
 */
public final class Conduct {

    private static final long SUSPECT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private volatile long suspectUntil;
    private volatile boolean marked;

    public void failed() {
        suspectUntil = System.nanoTime() + SUSPECT_NANOS;
        marked = true;
    }

    public boolean suspect() {
        return marked && System.nanoTime() - suspectUntil < 0;
    }
}
