package dev.valor.runtime.impl.deploy;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;

/**
 * Runs a Java plugin's start (its bundle activator, its component's {@code activate}) on a thread
 * of its own and waits for it only until a deadline: a start that never returns must not wedge
 * the deployer, the registry or the start-up. A late start is left to finish, or never, on its
 * thread; whatever it returns then goes to the caller's clean-up.
 */
public final class StartDeadline implements AutoCloseable {

    /** Framework property: how long a Java plugin may take to start, in ms. */
    public static final String TIMEOUT_PROPERTY = "valor.start.timeout.ms";

    static final long DEFAULT_TIMEOUT_MS = 10_000;

    private final long timeoutMs;
    private final ExecutorService threads;

    public StartDeadline(BundleContext context, String threadName) {
        String configured = context.getProperty(TIMEOUT_PROPERTY);
        this.timeoutMs =
                configured == null || configured.isBlank() ? DEFAULT_TIMEOUT_MS : Long.parseLong(configured.strip());
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    public long timeoutMs() {
        return timeoutMs;
    }

    /**
     * The task's result, if it returns in time.
     *
     * @param late given the result should the task return after the deadline passed
     * @throws TimeoutException   the deadline passed first
     * @throws ExecutionException the task threw; its cause
     */
    public <T> T call(Callable<T> task, Consumer<? super T> late)
            throws TimeoutException, ExecutionException, InterruptedException {
        CompletableFuture<T> result = new CompletableFuture<>();
        threads.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) { // a plugin's start may throw anything
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            result.thenAccept(late);
            throw e;
        }
    }

    /** Runs clean-up that may itself hang on the late start (stopping its bundle, say), without waiting for it. */
    public void later(Runnable cleanUp) {
        try {
            threads.execute(cleanUp);
        } catch (RejectedExecutionException e) {
            // closed: the framework is stopping and takes the plugin with it
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
