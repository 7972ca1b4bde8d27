package dev.valor.sandbox.internal;

import java.util.concurrent.Semaphore;

/**
 * Where a call runs: on the caller's own thread, which saves the two thread switches of a
 * hand-off, when that thread is not running a call already (a plugin fetching another) and not
 * more than {@link #HERE_AT_ONCE} callers' threads run calls (they are the server's, and a call
 * may wait on a fetch); on one of the workers otherwise.
 */
final class Placement {

    /** How many calls may run on callers' threads at once: enough to keep the cores busy. */
    static final int HERE_AT_ONCE = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private final Semaphore here = new Semaphore(HERE_AT_ONCE);

    /**
     * @param runningACall whether the current thread runs a call already
     * @return true when the call may run here; then {@link #leave} once it ends
     */
    boolean tryHere(boolean runningACall) {
        return !runningACall && here.tryAcquire();
    }

    void leave() {
        here.release();
    }
}
