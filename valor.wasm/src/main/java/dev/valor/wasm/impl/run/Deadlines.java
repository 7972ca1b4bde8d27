package dev.valor.wasm.impl.run;

import dev.valor.api.Response;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs wasm calls on threads of our own, never the server's, so that a deadline can interrupt
 * one: Chicory stops a running module within about a millisecond of its thread's interrupt, and
 * the thread goes back to the pool at once.
 */
public final class Deadlines implements AutoCloseable {

    private static final int MAX_THREADS = 256;

    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timer;

    public Deadlines() {
        AtomicInteger n = new AtomicInteger();
        workers = new ThreadPoolExecutor(0, MAX_THREADS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            // A deep but bounded stack: runaway recursion ends in a trap, not a crash.
            Thread t = new Thread(null, r, "valor-wasm-" + n.incrementAndGet(), 4L << 20);
            t.setDaemon(true);
            return t;
        });
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "valor-wasm-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Runs the call on a worker; past the deadline the worker is interrupted and the stage fails
     * with a {@link TimeoutException} (the router answers 504). When all workers are busy the
     * answer is 503.
     */
    public CompletableFuture<Response> run(Callable<Response> call, long timeoutMs, String what) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        Future<?> task;
        try {
            task = workers.submit(() -> {
                try {
                    result.complete(call.call());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            result.complete(Response.text(503, "busy: too many wasm calls at once"));
            return result;
        }
        Future<?> deadline = timer.schedule(() -> {
            if (result.completeExceptionally(new TimeoutException(what + " ran past its " + timeoutMs + " ms deadline"))) {
                task.cancel(true);
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> deadline.cancel(false));
        return result;
    }

    /**
     * Runs deploy-time work (instantiation, start functions) on a worker and waits for it, so a
     * module that loops while starting is interrupted instead of holding up every other deploy.
     *
     * @throws TimeoutException past the deadline
     * @throws ExecutionException with what the call threw as its cause
     */
    public <T> T await(Callable<T> call, long timeoutMs) throws TimeoutException, ExecutionException,
            InterruptedException {
        Future<T> task;
        try {
            task = workers.submit(call);
        } catch (RejectedExecutionException e) {
            throw new ExecutionException(new IllegalStateException("too many wasm calls at once"));
        }
        try {
            return task.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            task.cancel(true);
            throw e;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
