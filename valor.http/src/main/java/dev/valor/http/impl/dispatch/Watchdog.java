package dev.valor.http.impl.dispatch;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the invocations in flight and times out those past their deadline. One sweep every
 * {@value #SWEEP_MS} ms over at most {@code max.in.flight} invocations costs less than a
 * scheduled task per request (measured: the task and its cancellation were 5% of a Java hello's
 * throughput); deadlines are kept to within a sweep.
 */
final class Watchdog implements AutoCloseable {

    static final long SWEEP_MS = 5;

    private final Set<Invocation> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "valor-timeouts");
        t.setDaemon(true);
        return t;
    });

    private final FailureLog failures;

    /** @param failures summed up here once a second, on the same thread, and once more on close */
    Watchdog(FailureLog failures) {
        this.failures = failures;
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
        sweeper.scheduleWithFixedDelay(failures::flush, 1, 1, TimeUnit.SECONDS);
    }

    void watch(Invocation invocation) {
        watched.add(invocation);
    }

    void forget(Invocation invocation) {
        watched.remove(invocation);
    }

    private void sweep() {
        if (watched.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (Invocation invocation : watched) {
            try {
                if (now - invocation.deadlineNanos() >= 0) {
                    invocation.timeout(); // answers 504 and forgets itself
                }
            } catch (Throwable e) { // one invocation's trouble must not end the sweep (and all 504s) for good
                watched.remove(invocation);
                org.slf4j.LoggerFactory.getLogger(Watchdog.class).warn("Timing out {} failed", invocation, e);
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        failures.flushAll();
    }
}
