package dev.valor.http.impl.dispatch;

import dev.valor.api.Response;
import dev.valor.http.impl.route.Route;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request handed to a plugin, answered exactly once: by the plugin's stage, by its failure
 * (500) or by the time limit (504), whichever comes first; later outcomes are dropped.
 */
final class Exchange implements AsyncListener {

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    private final Dispatcher dispatcher;
    private final AsyncContext async;
    private final HttpServletResponse response;
    private final Route route;
    private final String method;
    private final String path;
    private final String requestId;
    private final long startNanos;
    private final long timeoutMs;
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile Future<?> timer;

    Exchange(Dispatcher dispatcher, AsyncContext async, HttpServletResponse response, Route route,
            String method, String path, String requestId, long startNanos, long timeoutMs) {
        this.dispatcher = dispatcher;
        this.async = async;
        this.response = response;
        this.route = route;
        this.method = method;
        this.path = path;
        this.requestId = requestId;
        this.startNanos = startNanos;
        this.timeoutMs = timeoutMs;
    }

    void timer(Future<?> timer) {
        this.timer = timer;
    }

    /** The plugin's stage completed, normally or not. */
    void complete(Response answer, Throwable failure) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        cancelTimer();
        if (failure != null) {
            LOG.warn("Plugin {} failed on {} {} (request {})", route.name(), method, path, requestId,
                    unwrap(failure));
            fail(500, "plugin failed");
        } else if (answer == null) {
            LOG.warn("Plugin {} answered nothing on {} {} (request {})", route.name(), method, path, requestId);
            fail(500, "plugin failed");
        } else {
            write(answer);
        }
    }

    /** The time limit passed. */
    void timeout() {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        LOG.warn("Plugin {} did not answer {} {} within {} ms (request {})", route.name(), method, path,
                timeoutMs, requestId);
        fail(504, "plugin did not answer within " + timeoutMs + " ms");
    }

    private void fail(int status, String error) {
        write(Response.json(status, ErrorBody.of(error, requestId)));
    }

    private void write(Response answer) {
        int status = answer.status();
        try {
            dispatcher.writeResponse(response, answer, route.name(), requestId);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not send the answer to request {}: {}", requestId, e.toString());
        } finally {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                LOG.debug("Request {} was already completed", requestId);
            }
            dispatcher.logAccess(route.name(), status, method, path, requestId, startNanos);
        }
    }

    private void cancelTimer() {
        Future<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void onComplete(AsyncEvent event) {
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        timeout();
    }

    @Override
    public void onError(AsyncEvent event) {
        // The client went away: nothing to answer, stop the clock.
        if (answered.compareAndSet(false, true)) {
            cancelTimer();
            dispatcher.logAccess(route.name(), 499, method, path, requestId, startNanos);
        }
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
