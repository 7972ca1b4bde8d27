package dev.valor.sandbox.internal.timing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;

/**
 * One thread timing many things: while any are watched it hands each to the owner's check once a
 * period, and the check acts on it (cuts a call, expires a body) and says whether to forget it;
 * with nothing watched for a whole period the thread parks until something is. A sweep over what
 * is in flight costs
 * less than a timer task per thing (measured in the router: a scheduled task and its cancellation
 * were 5% of a Java hello's throughput), and times are kept to within a period.
 *
 * <p>Things are kept in a set: two that are equal are watched as one (the default, identity, suits most).
 */
public final class Sweeper<T> implements AutoCloseable {

    /** What the owner does with one watched thing at a sweep. */
    @FunctionalInterface
    public interface Check<T> {
        /**
         * @param nowNanos the sweep's {@link System#nanoTime()}
         * @return true to forget it (it expired, or is done)
         */
        boolean check(T item, long nowNanos) throws Exception;
    }

    private final Set<T> watched = ConcurrentHashMap.newKeySet();
    private final Check<T> check;
    private final long periodNanos;
    private final Thread thread;
    private volatile boolean idle;
    private volatile boolean closed;

    /** Starts the sweeper's daemon thread, named {@code threadName}. */
    public Sweeper(String threadName, long period, TimeUnit unit, Check<T> check) {
        this.check = check;
        this.periodNanos = unit.toNanos(period);
        this.thread = new Thread(this::loop, threadName);
        thread.setDaemon(true);
        thread.setPriority(Thread.NORM_PRIORITY); // not that of a demoted thread that happened to make it
        thread.start();
    }

    public void watch(T item) {
        watched.add(item);
        if (idle) {
            LockSupport.unpark(thread);
        }
    }

    public void forget(T item) {
        watched.remove(item);
    }

    private void loop() {
        boolean emptyBefore = false;
        while (!closed) {
            boolean empty = watched.isEmpty();
            // Under load the set empties between calls many times a period: parking for good at
            // each would cost the next watch() an unpark (a futex wake) per call.
            if (empty && emptyBefore) {
                idle = true;
                if (watched.isEmpty() && !closed) { // again: a watch() may have missed idle being set
                    LockSupport.park(this);
                }
                idle = false;
                emptyBefore = false;
                continue;
            }
            emptyBefore = empty;
            if (!empty) {
                sweep(System.nanoTime());
            }
            LockSupport.parkNanos(this, periodNanos);
        }
    }

    private void sweep(long now) {
        for (T item : watched) {
            try {
                if (check.check(item, now)) {
                    watched.remove(item);
                }
            } catch (Throwable e) { // one's trouble must not end the sweep for all
                LoggerFactory.getLogger(Sweeper.class).warn("Checking {} failed", item, e);
            }
        }
    }

    /** Stops the thread; what is watched is no longer checked. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
