package dev.valor.sandbox.internal;

import dev.valor.api.metrics.InstancePool;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * At most N instances (wasm instances, JavaScript contexts), made on demand and kept for the next
 * call. A caller takes one (waiting when all N are busy), then puts it back, or drops it when it
 * may no longer be trusted (trapped, cancelled, failed): a dropped one is never reused.
 */
public final class Pool<T> implements InstancePool {

    private final int size;
    private final Semaphore permits;
    /**
     * The idle ones, a stack with the warmest on top, guarded by itself. An array and a monitor,
     * not a ConcurrentLinkedDeque: with a thousand plugins' pools cold in the cache, the deque's
     * walk over its nodes was a sixth of what spreading calls over them cost (JFR, issue 23), and
     * every put allocated a node.
     */
    private final Object[] idle;

    private int idleCount; // guarded by idle
    private final String what;
    private final Consumer<T> closer;
    private volatile boolean closed;

    /** All of them stayed in use: load, not misbehaviour. */
    public static final class Busy extends TimeoutException implements Excused {
        Busy(String what) {
            super("all " + what + " stayed busy");
        }
    }

    /**
     * @param what   what it holds, plural, for the busy message ("instances", "workers")
     * @param closer frees one that is dropped or left over when the pool closes
     */
    public Pool(int size, String what, Consumer<T> closer) {
        this.size = size;
        this.idle = new Object[size + 1]; // the places, and one made ahead of any call
        this.permits = new Semaphore(size, true);
        this.what = what;
        this.closer = closer;
    }

    /** An idle one, or a new one from the factory; waits at most the timeout for a free place. */
    public T take(long timeout, TimeUnit unit, Supplier<T> factory) throws InterruptedException, TimeoutException {
        if (!permits.tryAcquire(timeout, unit)) {
            throw new Busy(what);
        }
        return claimed(factory);
    }

    /**
     * An idle one, when one is idle now; else null. It never makes one: making an instance runs
     * plugin code, which belongs under a call's bounds. It may take a freed place ahead of callers
     * waiting in {@link #take} (those are served in order among themselves): honouring them here
     * too cost JavaScript hello 15-20% of its throughput in pinned pair runs, and a waiter still
     * ends at its deadline at worst, as under any overload.
     */
    public T tryTakeIdle() {
        if (!permits.tryAcquire()) {
            return null;
        }
        T item = pop();
        if (item == null) {
            permits.release();
        }
        return item;
    }

    private T claimed(Supplier<T> factory) {
        T item = pop();
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

    /** Adds one made ahead of any call; it takes no place that was taken. */
    public void warm(T item) {
        push(item);
    }

    /** Puts a taken one back for reuse, the warmest first. */
    public void put(T item) {
        if (closed) {
            closer.accept(item);
        } else {
            push(item);
        }
        permits.release();
    }

    /** Forgets a taken one. */
    public void drop(T item) {
        closer.accept(item);
        permits.release();
    }

    /** Taken ones (a place claimed for one being made counts) and idle ones. */
    @Override
    public int instances() {
        synchronized (idle) {
            return busy() + idleCount;
        }
    }

    @Override
    public int busy() {
        return size - permits.availablePermits();
    }

    public void close() {
        closed = true;
        T item;
        while ((item = pop()) != null) {
            closer.accept(item);
        }
    }

    @SuppressWarnings("unchecked")
    private T pop() {
        synchronized (idle) {
            if (idleCount == 0) {
                return null;
            }
            T item = (T) idle[--idleCount];
            idle[idleCount] = null;
            return item;
        }
    }

    private void push(T item) {
        synchronized (idle) {
            if (idleCount < idle.length) {
                idle[idleCount++] = item;
                return;
            }
        }
        closer.accept(item); // more than the pool holds: not kept
    }
}
