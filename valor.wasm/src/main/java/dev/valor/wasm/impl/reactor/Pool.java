package dev.valor.wasm.impl.reactor;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * At most N instances, made on demand and kept for the next request. A caller takes one (waiting
 * when all N are busy), then puts it back, or drops it when it may no longer be trusted.
 */
final class Pool<T> {

    private final Semaphore permits;
    private final ConcurrentLinkedDeque<T> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /** All instances stayed in use: load, not misbehaviour. */
    static final class Busy extends TimeoutException implements dev.valor.wasm.impl.run.Conduct.Excused {
        Busy() {
            super("all instances stayed busy");
        }
    }

    Pool(int size) {
        permits = new Semaphore(size, true);
    }

    /** An idle instance, or a new one from the factory; waits at most the timeout for a free place. */
    T take(long timeout, TimeUnit unit, Supplier<T> factory) throws InterruptedException, TimeoutException {
        if (!permits.tryAcquire(timeout, unit)) {
            throw new Busy();
        }
        T item = idle.pollFirst();
        if (item != null) {
            return item;
        }
        try {
            return factory.get();
        } catch (RuntimeException | Error e) {
            permits.release();
            throw e;
        }
    }

    /** Adds an instance made ahead of any request; it takes no place that was taken. */
    void warm(T item) {
        idle.addFirst(item);
    }

    /** Puts a taken instance back for reuse. */
    void put(T item) {
        if (!closed) {
            idle.addFirst(item); // the warmest first
        }
        permits.release();
    }

    /** Forgets a taken instance. */
    void drop() {
        permits.release();
    }

    void close() {
        closed = true;
        idle.clear();
    }
}
