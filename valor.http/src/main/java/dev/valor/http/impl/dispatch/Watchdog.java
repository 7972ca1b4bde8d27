package dev.valor.http.impl.dispatch;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Watches what is in flight (plugin calls, request bodies on their way) and expires what is past
 * its deadline. One sweep every {@value #SWEEP_MS} ms over at most {@code max.in.flight} of them costs less than a
 * scheduled task per request (measured: the task and its cancellation were 5% of a Java hello's
 * throughput); deadlines are kept to within a sweep.
 */
final class Watchdog implements AutoCloseable {

    static final long SWEEP_MS = 5;

    private final Set<Expiring> watched = ConcurrentHashMap.newKeySet();
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

    void watch(Expiring expiring) {
        watched.add(expiring);
    }

    void forget(Expiring expiring) {
        watched.remove(expiring);
    }

    private void sweep() {
        if (watched.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (Expiring expiring : watched) {
            try {
                if (now - expiring.deadlineNanos() >= 0) {
                    watched.remove(expiring);
                    expiring.expire();
                }
            } catch (Throwable e) { // one's trouble must not end the sweep (and all 504s) for good
                LoggerFactory.getLogger(Watchdog.class).warn("Expiring {} failed", expiring, e);
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        failures.flushAll();
    }
}
