package dev.valor.http.impl.dispatch;

import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.TraceContext;
import dev.valor.api.VluginRouter;
import dev.valor.http.impl.route.Route;
import dev.valor.http.impl.route.RouteTable;
import dev.valor.http.impl.route.RouteTracker;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls plugins under their time limits and logs each answer; used by the HTTP servlet and, as
 * the {@link VluginRouter} service, for in-process calls.
 */
@Component(
        service = {Invoker.class, VluginRouter.class},
        configurationPid = RouterConfig.PID)
public class Invoker implements VluginRouter {

    private static final Logger ACCESS = LoggerFactory.getLogger("valor.access");
    private static final String HEALTH = "_health";
    /** Most in-process calls nested in one request: a plugin calling itself ends here. */
    static final int MAX_DEPTH = 8;

    @Reference
    private RouteTracker routes;

    /** The configuration's values, read once: a component property type's methods are proxy calls. */
    record Limits(
            long maxBodyBytes,
            long timeoutMs,
            int maxInFlight,
            boolean accessLog,
            long bodyGraceMs,
            long bodyMinRate,
            long maxBufferedBytes,
            long maxStreamMs) {
        Limits(RouterConfig c) {
            this(
                    c.max_body_bytes(),
                    c.timeout_ms(),
                    c.max_in_flight(),
                    c.access_log(),
                    c.body_grace_ms(),
                    c.body_min_rate(),
                    c.max_buffered_bytes() > 0
                            ? c.max_buffered_bytes()
                            : Runtime.getRuntime().maxMemory() / 4,
                    c.max_stream_ms());
        }
    }

    private volatile Limits config;
    private Watchdog watchdog;
    private final BodyBudget bodies = new BodyBudget(0);
    private final FailureLog failures = new FailureLog();

    /** Framework property: "json" when the launcher logs one JSON object per line. */
    static final String LOG_FORMAT = "valor.log.format";

    /** The access line's fields as key-value pairs, which a JSON layout makes fields of. */
    private boolean structuredAccess;

    @Activate
    void activate(RouterConfig config, BundleContext context) {
        structuredAccess = "json".equals(context.getProperty(LOG_FORMAT));
        modified(config);
        watchdog = new Watchdog(failures);
    }

    @Modified
    void modified(RouterConfig config) {
        this.config = new Limits(config);
        bodies.limit(this.config.maxBufferedBytes());
    }

    @Deactivate
    void deactivate() {
        watchdog.close();
    }

    RouteTable table() {
        return routes.table();
    }

    Limits config() {
        return config;
    }

    /** Reads a body under the limits, timed by the watchdog. */
    BodyReader bodyReader(ServletInputStream in, long declared, BodyReader.Outcome outcome) {
        Limits limits = config;
        BodyReader reader = new BodyReader(
                in, declared, limits.maxBodyBytes(), bodies, limits.bodyGraceMs(), limits.bodyMinRate(), outcome);
        watchdog.watch(reader);
        return reader;
    }

    void forget(BodyReader reader) {
        watchdog.forget(reader);
    }

    /** Writes a streamed answer under the watchdog: the first byte by {@code firstByteDeadline}, the rest within the stream limit. */
    StreamedAnswer streamed(
            HttpServletResponse resp,
            Response answer,
            long firstByteDeadline,
            StreamedAnswer.Head head,
            StreamedAnswer.Ending ending) {
        return new StreamedAnswer(
                resp,
                answer.streamedBody(),
                answer.status(),
                firstByteDeadline,
                TimeUnit.MILLISECONDS.toNanos(config.maxStreamMs()),
                watchdog,
                head,
                ending);
    }

    /** Starts calling the route's plugin; the invocation's answer completes exactly once. */
    Invocation invoke(Route route, Request request) {
        return new Invocation(route, request, timeoutMs(route), failures);
    }

    private long timeoutMs(Route route) {
        return route.timeoutMs() > 0 ? route.timeoutMs() : config.timeoutMs();
    }

    /** When a call of the route for a request from the network is due. */
    long deadlineNanos(Route route) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs(route));
    }

    void start(Invocation invocation) {
        invocation.start(watchdog);
    }

    @Override
    public CompletionStage<Response> route(Request request) {
        long start = System.nanoTime();
        String requestId = RequestIds.from(request.requestId().isEmpty() ? null : request.requestId());
        // What a plugin asks for in-process gets the same treatment as what Jetty lets through:
        // a token method, a decoded path without dot segments or control characters.
        String path = InProcessPaths.normalize(request.path());
        String traceparent = request.header(TraceContext.TRACEPARENT);
        if (path == null || !InProcessPaths.isToken(request.method())) {
            return CompletableFuture.completedStage(Errors.response(400, "malformed in-process request", requestId)
                    .withHeaderSet("x-correlation-id", requestId));
        }
        if (HeaderBytes.of(request.headers(), InProcessPaths.MAX_HEADER_BYTES) > InProcessPaths.MAX_HEADER_BYTES) {
            return CompletableFuture.completedStage(Errors.response(
                            431,
                            "in-process request headers exceed " + InProcessPaths.MAX_HEADER_BYTES + " bytes",
                            requestId)
                    .withHeaderSet("x-correlation-id", requestId));
        }
        if (request.depth() > MAX_DEPTH) {
            answered(null, 508, request.method(), path, requestId, traceparent, start);
            return CompletableFuture.completedStage(
                    Errors.response(508, "in-process calls nested more than " + MAX_DEPTH + " deep", requestId)
                            .withHeaderSet("x-correlation-id", requestId));
        }
        RouteTable.Match match = routes.table().match(path);
        if (match == null) {
            answered(null, 404, request.method(), path, requestId, traceparent, start);
            return CompletableFuture.completedStage(Errors.response(404, "no plugin serves " + path, requestId)
                    .withHeaderSet("x-correlation-id", requestId));
        }
        Route route = match.route();
        long deadline = request.dueWithin(TimeUnit.MILLISECONDS.toNanos(timeoutMs(route)));
        if (deadline - System.nanoTime() <= 0) {
            answered(route, 504, request.method(), path, requestId, traceparent, start);
            return CompletableFuture.completedStage(
                    Errors.response(504, "the request this call is made for is past its deadline", requestId)
                            .withHeaderSet("x-valor-plugin", route.name())
                            .withHeaderSet("x-correlation-id", requestId));
        }
        Request inner = Request.builder(request.method(), match.path())
                .rawPath(match.path())
                .rawQuery(request.rawQuery())
                .headers(request.headers())
                .body(request.body())
                .requestId(requestId)
                .deadlineNanos(deadline)
                .depth(request.depth())
                .build();
        Invocation invocation = invoke(route, inner);
        // A streamed answer is read whole: the calling plugin takes bytes, whichever kind it is.
        CompletableFuture<Response> answer = invocation
                .answer()
                .thenCompose(r -> Collected.of(r, config.maxBodyBytes(), deadline))
                .exceptionally(e -> Errors.response(
                        502,
                        "the streamed answer could not be read whole: "
                                + unwrap(e).getMessage(),
                        requestId))
                .thenApply(r -> {
                    answered(route, r.status(), request.method(), path, requestId, traceparent, start);
                    return r.withHeaderSet("x-valor-plugin", route.name()).withHeaderSet("x-correlation-id", requestId);
                });
        route.stats().enter();
        start(invocation);
        return answer;
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /**
     * The one place an answer is counted: into the route's meter (when it had one) and the access
     * log, with its trace id.
     *
     * @param route       what served it, or null when no plugin did
     * @param traceparent the trace it belongs to, or null
     */
    void answered(
            Route route,
            int status,
            String method,
            String path,
            String requestId,
            String traceparent,
            long startNanos) {
        long nanos = System.nanoTime() - startNanos;
        if (route != null) {
            route.stats().meter().answered(status, nanos);
        }
        String plugin = route == null ? "-" : route.name();
        if (!config.accessLog() || HEALTH.equals(plugin) || !ACCESS.isInfoEnabled()) {
            return;
        }
        String traceId = TraceContext.traceId(traceparent);
        long micros = nanos / 1_000;
        String ms = micros / 1000 + "." + (micros % 1000) / 100 + (micros % 100) / 10;
        if (structuredAccess) {
            ACCESS.atInfo()
                    .addKeyValue("plugin", plugin)
                    .addKeyValue("status", status)
                    .addKeyValue("method", method)
                    .addKeyValue("path", path)
                    .addKeyValue("request_id", requestId)
                    .addKeyValue("trace_id", traceId == null ? "-" : traceId)
                    .addKeyValue("ms", ms)
                    .log("{} {} {}", method, path, status);
            return;
        }
        ACCESS.info(
                "plugin={} status={} method={} path={} id={} trace={} ms={}",
                plugin,
                status,
                method,
                path,
                requestId,
                traceId == null ? "-" : traceId,
                ms);
    }
}
