package dev.valor.js.impl;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** At most N workers, made on demand and kept; a failed or cancelled one is dropped, not reused. */
final class Pool<T extends AutoCloseable> {

    private final Semaphore permits;
    private final ConcurrentLinkedDeque<T> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    Pool(int size) {
        permits = new Semaphore(size, true);
    }

    void warm(T item) {
        idle.addFirst(item);
    }

    T take(long timeout, TimeUnit unit, Supplier<T> factory) throws InterruptedException, TimeoutException {
        if (!permits.tryAcquire(timeout, unit)) {
            throw new TimeoutException("all workers stayed busy");
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

    void put(T item) {
        if (closed) {
            closeQuietly(item);
        } else {
            idle.addFirst(item);
        }
        permits.release();
    }

    void drop(T item) {
        closeQuietly(item);
        permits.release();
    }

    void close() {
        closed = true;
        T item;
        while ((item = idle.pollFirst()) != null) {
            closeQuietly(item);
        }
    }

    private static void closeQuietly(AutoCloseable item) {
        try {
            item.close();
        } catch (Exception e) {
            // closing a worker that is already gone
        }
    }
}
