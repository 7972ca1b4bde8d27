package dev.valor.sandbox.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of a call nested in another on the same thread (a plug call made from a wasm
 * request): past it, the thread is interrupted for the nested call only, and the interrupt is
 * gone again once the nested call has ended, so the outer call goes on.
 */
final class NestedDeadline implements AutoCloseable {

    private enum State {
        /** The nested call runs, within its time. */
        RUNNING,
        /** Its time passed: the thread was interrupted for it. */
        FIRED,
        /** It ended; a late timer does nothing. */
        ENDED
    }

    private final Thread thread = Thread.currentThread();
    private final ScheduledFuture<?> timer;
    private State state = State.RUNNING; // guarded by this

    NestedDeadline(ScheduledExecutorService timers, long timeoutMs) {
        this.timer = timers.schedule(this::fire, timeoutMs, TimeUnit.MILLISECONDS);
    }

    private synchronized void fire() {
        if (state == State.RUNNING) {
            state = State.FIRED;
            thread.interrupt();
        }
    }

    /** Whether the nested call's own deadline passed (rather than the outer call's). */
    synchronized boolean fired() {
        return state == State.FIRED;
    }

    /**
     * Ends the nested call's time; clears the interrupt the deadline caused unless {@code keepInterrupt}
     * (the outer call was cut too, and its interrupt is the thread's to keep).
     */
    void end(boolean keepInterrupt) {
        timer.cancel(false);
        synchronized (this) {
            if (state == State.FIRED && !keepInterrupt) {
                Thread.interrupted();
            }
            state = State.ENDED;
        }
    }

    @Override
    public void close() {
        end(false);
    }
}
