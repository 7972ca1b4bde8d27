package dev.valor.http.impl.dispatch;

import dev.valor.sandbox.internal.timing.Sweeper;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Expires what is in flight (plugin calls, request bodies on their way) once past its deadline:
 * a {@link Sweeper} every {@value #SWEEP_MS} ms while any are, kept to within a sweep. The sum
 * of failures is written once a second on a thread of its own.
 */
final class Watchdog implements AutoCloseable {

    static final long SWEEP_MS = 5;

    private final Sweeper<Expiring> sweeper =
            new Sweeper<>("valor-timeouts", SWEEP_MS, TimeUnit.MILLISECONDS, Watchdog::expireIfDue);
    private final ScheduledExecutorService summary = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "valor-failure-log");
        t.setDaemon(true);
        return t;
    });
    private final FailureLog failures;

    /** @param failures summed up once a second, and once more on close */
    Watchdog(FailureLog failures) {
        this.failures = failures;
        summary.scheduleWithFixedDelay(failures::flush, 1, 1, TimeUnit.SECONDS);
    }

    void watch(Expiring expiring) {
        sweeper.watch(expiring);
    }

    void forget(Expiring expiring) {
        sweeper.forget(expiring);
    }

    private static boolean expireIfDue(Expiring expiring, long now) {
        if (now - expiring.deadlineNanos() < 0) {
            return false;
        }
        expiring.expire();
        return true;
    }

    @Override
    public void close() {
        sweeper.close();
        summary.shutdownNow();
        failures.flushAll();
    }
}
