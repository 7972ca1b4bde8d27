package dev.valor.runtime.impl.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the deploys of different plugins side by side and waits for them all: a start-up's plugins
 * are independent (each name has its own lock in the {@link Deployer}; a socket binds to its
 * providers whenever they come), and one kind's first start (the JavaScript engine, about a
 * second) need not hold back the others.
 */
public final class Concurrently {

    /**
     * At most this many at once. More than the cores: a deploy mostly waits (for its bundle's
     * components, for the JavaScript engine another deploy is making).
     */
    static final int AT_ONCE = 8;

    /** One deploy; it records its own failure. */
    public interface Step {
        void run() throws InterruptedException;
    }

    private Concurrently() {}

    /** Runs every step, at most {@link #AT_ONCE} at a time; returns once all are done. */
    public static void runAll(List<Step> steps) throws InterruptedException {
        if (steps.size() <= 1) {
            for (Step step : steps) {
                step.run();
            }
            return;
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(AT_ONCE, steps.size()), r -> {
            Thread t = new Thread(r, "valor-deploy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>(steps.size());
            for (Step step : steps) {
                running.add(pool.submit(() -> {
                    step.run();
                    return null;
                }));
            }
            RuntimeException failed = null;
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r && failed == null) {
                        failed = r;
                    } else if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                }
            }
            if (failed != null) {
                throw failed;
            }
        } finally {
            pool.shutdownNow(); // interrupted: the steps still running stop too
        }
    }
}
