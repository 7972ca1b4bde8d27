package dev.valor.http.impl.dispatch;

import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.plugin.MemoryBoundExceeded;
import dev.valor.http.impl.route.Route;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call of a plugin under its time limit. Answers exactly once: with the plugin's response,
 * with 500 if it failed, or with 504 when the limit passed first; later outcomes are dropped.
 */
final class Invocation implements Expiring {

    private final Route route;
    private final Request request;
    private long timeoutMs; // the limit as it was when the call started
    private final FailureLog failures;
    private final CompletableFuture<Response> answer = new CompletableFuture<>();
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile Watchdog watchdog;
    private long deadlineNanos;

    Invocation(Route route, Request request, long timeoutMs, FailureLog failures) {
        this.route = route;
        this.request = request;
        this.timeoutMs = timeoutMs;
        this.failures = failures;
    }

    /** Completes, never exceptionally, with the one answer. */
    CompletableFuture<Response> answer() {
        return answer;
    }

    /**
     * Puts the call under the watchdog, then calls the plugin on this thread. The caller counted the request into
     * the route ({@code stats().enter()}) when it chose it; the answer counts it out.
     */
    void start(Watchdog watchdog) {
        long now = System.nanoTime();
        // The request's own deadline when it has one: a nested call's may come before its plugin's limit.
        this.deadlineNanos =
                request.deadlineNanos() != 0 ? request.deadlineNanos() : now + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.timeoutMs = Math.max(0, Math.round((deadlineNanos - now) / 1e6)); // the request was stamped a moment ago
        this.watchdog = watchdog;
        watchdog.watch(this);
        try {
            CompletionStage<Response> stage = route.vlugin().handle(request);
            if (stage == null) {
                complete(null, null);
            } else {
                stage.whenComplete(this::complete);
            }
        } catch (Throwable e) { // whatever a plugin throws is its failure, answered 500
            complete(null, e);
        }
    }

    private void complete(Response response, Throwable failure) {
        if (!answered.compareAndSet(false, true)) {
            Discarded.discard(response); // too late: a stream nobody reads is cancelled
            return;
        }
        watchdog.forget(this);
        route.stats().leave();
        if (failure != null && unwrap(failure) instanceof TimeoutException) {
            route.stats().meter().deadlineCut();
            failures.failed(
                    route.name(),
                    "Plugin {} gave up on {}: {} (request {})",
                    route.name(),
                    request,
                    unwrap(failure).getMessage(),
                    request.requestId());
            answer.complete(Errors.response(504, "plugin did not answer in time", request.requestId()));
        } else if (failure != null) {
            if (unwrap(failure) instanceof MemoryBoundExceeded) {
                route.stats().meter().memoryCut();
            }
            failed();
            failures.failed(
                    route.name(),
                    "Plugin {} failed on {} (request {})",
                    route.name(),
                    request,
                    request.requestId(),
                    unwrap(failure));
            answer.complete(Errors.response(500, "plugin failed", request.requestId()));
        } else if (System.nanoTime() - deadlineNanos >= 0) {
            // Answered, but past the limit before the watchdog's sweep came by (a long pause of the
            // JVM can hold both the sweep and the plugin): the limit holds all the same.
            answerTooLate();
        } else if (response == null) {
            failed();
            failures.failed(
                    route.name(),
                    "Plugin {} answered nothing on {} (request {})",
                    route.name(),
                    request,
                    request.requestId());
            answer.complete(Errors.response(500, "plugin failed", request.requestId()));
        } else if (response.status() < 200 || response.status() > 599) {
            // 1xx are the server's to send: a 101 would switch the connection (WebSocket smuggling
            // behind a proxy), a final 100 leaves the client waiting.
            failed();
            failures.failed(
                    route.name(),
                    "Plugin {} answered status {} on {}, which is not a plugin's to send (request {})",
                    route.name(),
                    response.status(),
                    request,
                    request.requestId());
            answer.complete(Errors.response(500, "plugin failed", request.requestId()));
        } else if (HeaderBytes.of(response.headers(), MAX_HEADER_BYTES) > MAX_HEADER_BYTES) {
            // Past Jetty's response header buffer the client would get an empty reply, the log a 200.
            failed();
            failures.failed(
                    route.name(),
                    "Plugin {} answered {} bytes of headers on {}, more than {} (request {})",
                    route.name(),
                    HeaderBytes.of(response.headers(), Integer.MAX_VALUE),
                    request,
                    MAX_HEADER_BYTES,
                    request.requestId());
            answer.complete(Errors.response(500, "plugin failed", request.requestId()));
        } else {
            answer.complete(response);
            return;
        }
        Discarded.discard(response);
    }

    /**
     * The router answers in the plugin's place (its streamed request body was refused); the
     * plugin's own answer, if it comes, is dropped. False if it had answered.
     */
    boolean cut(Response instead) {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        Watchdog w = watchdog;
        if (w != null) {
            w.forget(this);
        }
        route.stats().leave();
        answer.complete(instead);
        return true;
    }

    @Override
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** Past the deadline: answers 504 unless the plugin answered first. */
    @Override
    public void expire() {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        watchdog.forget(this);
        route.stats().leave();
        answerTooLate();
    }

    private void answerTooLate() {
        route.stats().meter().deadlineCut();
        failures.failed(
                route.name(),
                "Plugin {} did not answer {} within {} ms (request {})",
                route.name(),
                request,
                timeoutMs,
                request.requestId());
        answer.complete(Errors.response(504, "plugin did not answer within " + timeoutMs + " ms", request.requestId()));
    }

    /** The plugin failed the call: the answer is a 500 of the runtime's. */
    private void failed() {
        route.stats().meter().failed();
    }

    /** What a plugin's headers may take of Jetty's 16 KiB response header buffer; the rest is the status line and the router's. */
    static final int MAX_HEADER_BYTES = 15 * 1024;

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
