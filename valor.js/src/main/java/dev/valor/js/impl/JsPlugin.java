package dev.valor.js.impl;

import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.binding.Binding;
import dev.valor.sandbox.internal.Pool;
import dev.valor.sandbox.internal.Priorities;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A JavaScript plugin: a pool of workers (one context each, like Web Workers), each handling one
 * request at a time on Valor's own threads. Past the deadline the running worker's context is
 * cancelled and dropped, and the caller gets a {@link TimeoutException} (504).
 */
final class JsPlugin implements Vlugin, AutoCloseable {

    /**
     * How long a job runs at normal priority. Past it, its thread drops to the lowest OS priority
     * until the job ends, so a runaway or heavy script cannot starve short requests of the CPU
     * (with {@code -XX:ThreadPriorityPolicy=1}, which bin/valor sets; a no-op without it).
     */
    static final long DEMOTE_AFTER_MS = 50;
    private static final long SUSPECT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private volatile long suspectUntil = System.nanoTime();

    private final String prefix;
    private final JsSettings settings;
    private final Supplier<JsWorker> workers;
    private final Pool<JsWorker> pool;
    private final ExecutorService threads;
    private final ScheduledExecutorService timer;
    private final AllocationWatch allocations;

    /** Makes the first worker now: a file that does not compile or throws is refused at deploy. */
    JsPlugin(String prefix, JsSettings settings, Supplier<JsWorker> workers, ExecutorService threads,
            ScheduledExecutorService timer, AllocationWatch allocations, List<Binding> plugs) {
        this.prefix = prefix;
        this.settings = settings;
        this.workers = workers;
        this.threads = threads;
        this.timer = timer;
        this.allocations = allocations;
        this.pool = new Pool<>(settings.instances(), "workers", JsWorker::close);
        JsWorker first = workers.get();
        try {
            List<String> plugged = first.plugged();
            for (Binding b : plugs) {
                if (!plugged.contains(b.toString())) {
                    throw new IllegalArgumentException("it plugs into " + b + " but never calls valor.plug('" + b
                            + "', {...}) at its top level");
                }
            }
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
        pool.warm(first);
    }

    @Override
    public CompletionStage<Response> handle(Request request) {
        try {
            return run((worker, deadline) -> worker.handle(request, url(request), deadline));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedStage(Response.text(503, "busy: too many JavaScript calls at once"));
        }
    }

    /** Calls a plug function for a consumer, under this plugin's limits; the stage fails with its error. */
    CompletionStage<byte[]> plug(String binding, String function, byte[] input) {
        try {
            return run((worker, deadline) -> worker.plug(binding, function, input, deadline))
                    .thenCompose(r -> r.ok() ? CompletableFuture.completedFuture(r.value())
                            : CompletableFuture.failedFuture(new IllegalStateException(r.error())));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("busy: too many JavaScript calls at once"));
        }
    }

    /** One piece of work for a worker: a request or a plug call. */
    private interface Job<T> {
        T run(JsWorker worker, long deadlineNanos) throws Exception;
    }

    /**
     * Runs a job on a pooled worker, on one of our threads, under the deadline and the allocation
     * bound: past either the worker is cancelled, dropped, and the stage fails.
     *
     * @throws RejectedExecutionException when all threads are busy
     */
    private <T> CompletableFuture<T> run(Job<T> job) {
        CompletableFuture<T> result = new CompletableFuture<>();
        AtomicReference<JsWorker> running = new AtomicReference<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs());
        Thread[] thread = new Thread[1]; // the thread running the job; guarded by itself
        Future<?> task = threads.submit(() -> {
            synchronized (thread) {
                thread[0] = Thread.currentThread();
                if (Priorities.DEMOTION && System.nanoTime() - suspectUntil < 0) {
                    thread[0].setPriority(Thread.MIN_PRIORITY); // it misbehaved lately
                }
            }
            JsWorker worker = null;
            try {
                worker = pool.take(settings.timeoutMs(), TimeUnit.MILLISECONDS, workers);
                running.set(worker);
                JsWorker w = worker;
                T answer;
                try (AutoCloseable watch = allocations.watch(settings.memoryBytes(), () -> {
                    if (result.completeExceptionally(new IllegalStateException("request allocated more than "
                            + settings.memoryBytes() / (1024 * 1024) + " MiB"))) {
                        misbehaved();
                        w.cancel();
                    }
                })) {
                    answer = job.run(worker, deadline);
                }
                running.set(null);
                // A worker the deadline or memory watch already cut may be cancelled: never reuse it.
                if (result.complete(answer)) {
                    pool.put(worker);
                } else {
                    pool.drop(worker);
                }
            } catch (Throwable t) {
                running.set(null);
                if (worker != null) {
                    pool.drop(worker); // its state is not to be trusted any more
                    misbehaved(); // (no worker: the pool stayed busy, which is load, not misbehaviour)
                }
                result.completeExceptionally(t);
            } finally {
                synchronized (thread) {
                    thread[0] = null;
                    if (Thread.currentThread().getPriority() != Thread.NORM_PRIORITY) {
                        Thread.currentThread().setPriority(Thread.NORM_PRIORITY);
                    }
                }
            }
        });
        Runnable cut = () -> {
            if (result.completeExceptionally(new TimeoutException("ran past its " + settings.timeoutMs() + " ms deadline"))) {
                misbehaved();
                JsWorker w = running.get();
                if (w != null) {
                    w.cancel();
                }
                task.cancel(true);
            }
        };
        // One timer entry per job: past DEMOTE_AFTER_MS the job yields the CPU to short requests
        // (see there), then the same entry waits out the rest of the deadline.
        AtomicReference<Future<?>> timed = new AtomicReference<>();
        long timeout = settings.timeoutMs();
        if (timeout > DEMOTE_AFTER_MS) {
            timed.set(timer.schedule(() -> {
                if (!result.isDone()) {
                    synchronized (thread) {
                        if (thread[0] != null && Priorities.DEMOTION) {
                            thread[0].setPriority(Thread.MIN_PRIORITY);
                        }
                    }
                    timed.set(timer.schedule(cut, timeout - DEMOTE_AFTER_MS, TimeUnit.MILLISECONDS));
                    if (result.isDone()) {
                        timed.get().cancel(false);
                    }
                }
            }, DEMOTE_AFTER_MS, TimeUnit.MILLISECONDS));
        } else {
            timed.set(timer.schedule(cut, timeout, TimeUnit.MILLISECONDS));
        }
        result.whenComplete((r, e) -> timed.get().cancel(false));
        return result;
    }

    /**
     * A job that threw, ran past its deadline or its allocation bound marks the plugin: for the next
     * ten seconds its jobs run at the lowest priority from their first instant.
     */
    private void misbehaved() {
        suspectUntil = System.nanoTime() + SUSPECT_NANOS;
    }

    /** The request's URL as a Worker sees it: absolute, with the plugin's prefix. */
    private String url(Request request) {
        String host = request.header("host") == null ? "localhost" : request.header("host");
        String path = request.rawPath().equals("/") ? "" : request.rawPath();
        return "http://" + host + "/" + prefix + path + (request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery());
    }

    @Override
    public void close() {
        pool.close();
    }
}
