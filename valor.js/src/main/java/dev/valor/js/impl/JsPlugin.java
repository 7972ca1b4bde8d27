package dev.valor.js.impl;

import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.binding.Binding;
import dev.valor.sandbox.internal.Conduct;
import dev.valor.sandbox.internal.Deadlines;
import dev.valor.sandbox.internal.Pool;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A JavaScript plugin: a pool of workers (one context each, like Web Workers), each handling one
 * request at a time. A request runs on the server's thread when a worker is idle (no hand-off),
 * else on one of Valor's; past the deadline or the allocation bound the running worker's context
 * is cancelled and dropped, and the caller gets a {@link TimeoutException} (504) or an error (500).
 */
final class JsPlugin implements Vlugin, AutoCloseable {

    private final String name;
    private final String prefix;
    private final JsSettings settings;
    private final Supplier<JsWorker> workers;
    private final Pool<JsWorker> pool;
    private final Deadlines deadlines;
    private final Conduct conduct = new Conduct();
    private final Deadlines.Bounds requestBounds;
    /** A stream's reading: CPU between chunks bounded by the plugin's time limit, its length by the router's stream limit. */
    private final Deadlines.Bounds streamBounds;
    /** What a worker may allocate over its life before it is replaced: {@value #LIFETIME_LIMITS} × the memory bound. */
    private final long lifetimeBytes;

    /**
     * How many times its memory bound a context may allocate in all before a fresh one replaces
     * it. Nothing on a stock JDK measures what a context retains; what it allocated bounds that.
     */
    static final int LIFETIME_LIMITS = 4;

    /** Makes the first worker now: a file that does not compile or throws is refused at deploy. */
    JsPlugin(
            String name,
            String prefix,
            JsSettings settings,
            Supplier<JsWorker> workers,
            Deadlines deadlines,
            List<Binding> plugs) {
        this.name = name;
        this.prefix = prefix;
        this.settings = settings;
        this.workers = workers;
        this.deadlines = deadlines;
        this.requestBounds = bounds("plugin " + name);
        this.streamBounds = new Deadlines.Bounds(
                "plugin " + name + " (its stream)",
                TimeUnit.DAYS.toMillis(365),
                settings.memoryBytes(),
                conduct,
                settings.timeoutMs());
        this.lifetimeBytes = LIFETIME_LIMITS * settings.memoryBytes();
        this.pool = new Pool<>(settings.instances(), "workers", JsWorker::close);
        JsWorker first = workers.get();
        try {
            List<String> plugged = first.plugged();
            for (Binding b : plugs) {
                if (!plugged.contains(b.toString())) {
                    throw new IllegalArgumentException(
                            "it plugs into " + b + " but never calls valor.plug('" + b + "', {...}) at its top level");
                }
            }
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
        pool.warm(first);
    }

    private Deadlines.Bounds bounds(String what) {
        return new Deadlines.Bounds(what, settings.timeoutMs(), settings.memoryBytes(), conduct);
    }

    /** Its workers, for the metrics. */
    Pool<?> pool() {
        return pool;
    }

    @Override
    public CompletionStage<Response> handle(Request request) {
        String url = url(request);
        try {
            // Due by the plugin's limit, or sooner when the request is a call made for another that is due sooner.
            long deadline = request.dueWithin(TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs()));
            // A streamed body arrives on the thread that called: the worker must not wait for it there.
            return run(
                    (worker, due) -> streamed(worker, worker.handle(request, url, due)),
                    requestBounds,
                    request.bodyStream() == null,
                    deadline);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedStage(Response.text(503, deadlines.busy()));
        }
    }

    /** The answer, its body a {@link JsStream} the worker is kept for when the plugin answered with a stream. */
    private Response streamed(JsWorker worker, Response head) {
        if (!worker.streaming()) {
            return head;
        }
        return Response.stream(head.status(), head.headers(), new JsStream(worker, this::pump));
    }

    /** Reads a stream on one of Valor's threads, then gives its worker back; a refused or cut read fails the stream. */
    private void pump(JsStream stream) {
        afterAnswer(
                        stream.worker(),
                        streamBounds,
                        (worker, running) -> worker.pump(stream, running)
                                && (!worker.waiting()
                                        || worker.finishWaits(System.nanoTime()
                                                + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs()))))
                .whenComplete((r, failure) -> {
                    if (failure != null) {
                        stream.fail(failure);
                    }
                });
    }

    /** Calls a plug function for a consumer, under this plugin's limits; the stage fails with its error. */
    CompletionStage<byte[]> plug(String binding, String function, byte[] input, String traceparent) {
        try {
            // Never on the caller's thread: a consumer's context is entered there.
            return run(
                            (worker, deadline) -> worker.plug(binding, function, input, traceparent, deadline),
                            bounds("plugin " + name + " (" + binding + "." + function + ")"),
                            false,
                            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs()))
                    .thenCompose(r -> r.ok()
                            ? CompletableFuture.completedFuture(r.value())
                            : CompletableFuture.failedFuture(new IllegalStateException(r.error())));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException(deadlines.busy()));
        }
    }

    /** One piece of work for a worker: a request or a plug call. */
    private interface Job<T> {
        T run(JsWorker worker, long deadlineNanos) throws Exception;
    }

    /**
     * Runs a job on a pooled worker under the plugin's bounds: here when a worker is idle and
     * {@code here} allows it, else on one of Valor's threads.
     *
     * @throws RejectedExecutionException when all threads are busy
     */
    private <T> CompletableFuture<T> run(Job<T> job, Deadlines.Bounds bounds, boolean here, long deadline) {
        return deadlines.withInstance(
                pool, workers, (worker, running) -> use(worker, running, job, deadline), bounds, here);
    }

    private <T> T use(JsWorker worker, Deadlines.Running running, Job<T> job, long deadline) throws Exception {
        running.onCut(worker::cancel);
        boolean healthy = false;
        try {
            T answer = job.run(worker, deadline);
            healthy = true;
            return answer;
        } finally {
            boolean fine = running.release() && healthy;
            if (fine && worker.streaming()) {
                worker.allocated(running.allocated()); // its stream has it now, and gives it back
            } else if (fine && worker.waiting()) {
                worker.allocated(running.allocated());
                finishWaits(worker, deadline);
            } else {
                giveBack(worker, running, fine);
            }
        }
    }

    /** Runs a request's {@code ctx.waitUntil} work after its answer went, under the request's deadline and the plugin's other bounds. */
    private void finishWaits(JsWorker worker, long deadline) {
        long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        afterAnswer(
                worker,
                new Deadlines.Bounds(
                        "plugin " + name + " (its waitUntil work)", leftMs, settings.memoryBytes(), conduct),
                (w, running) -> w.finishWaits(deadline));
    }

    /** Work a worker does after its answer went; true when the worker may be reused. */
    private interface AfterAnswer {
        boolean run(JsWorker worker, Deadlines.Running running) throws Exception;
    }

    /**
     * Runs work a worker kept after its answer (a stream, {@code waitUntil}) on one of Valor's
     * threads under the bounds, then gives the worker back; the stage fails if it was cut or refused.
     */
    private CompletableFuture<Void> afterAnswer(JsWorker worker, Deadlines.Bounds bounds, AfterAnswer work) {
        try {
            return deadlines.submit(
                    running -> {
                        running.onCut(worker::cancel);
                        boolean reusable = false;
                        try {
                            reusable = work.run(worker, running);
                            return null;
                        } finally {
                            giveBack(worker, running, running.release() && reusable);
                        }
                    },
                    bounds);
        } catch (RejectedExecutionException e) {
            pool.drop(worker);
            return CompletableFuture.failedFuture(new IllegalStateException(deadlines.busy()));
        }
    }

    /**
     * Back to the pool, or dropped: a worker the deadline or memory bound cut is cancelled, one
     * that threw is not to be trusted, and one that has allocated its lifetime's worth is
     * replaced (what a context retains is bounded by what it allocated).
     */
    private void giveBack(JsWorker worker, Deadlines.Running running, boolean fine) {
        boolean spent = worker.allocated(running.allocated()) > lifetimeBytes;
        if (fine && !spent) {
            pool.put(worker);
        } else {
            pool.drop(worker);
        }
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
