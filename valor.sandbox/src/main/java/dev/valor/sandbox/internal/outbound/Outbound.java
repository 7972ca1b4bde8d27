package dev.valor.sandbox.internal.outbound;

import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.TraceContext;
import dev.valor.api.VluginRouter;
import dev.valor.sandbox.internal.CappedBody;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A sandboxed plugin's outbound HTTP, the same for every kind: {@link OutboundPolicy} decides
 * where a request goes, this sends it there under the plugin's deadline and body bound, and logs
 * why one got no answer.
 */
public final class Outbound {

    /** What a plugin may not set: the client and the connection own them. */
    private static final Set<String> RESTRICTED =
            Set.of("host", "connection", "content-length", "upgrade", "expect", "transfer-encoding");

    private final String plugin;
    private final Logger log;
    private final Supplier<VluginRouter> router;
    private final HttpClient client;
    private final OutboundPolicy policy;
    private final long maxBodyBytes;

    /** @param maxBodyBytes the largest body a remote host may answer with (the plugin's memory bound) */
    public Outbound(
            String plugin,
            Logger log,
            Supplier<VluginRouter> router,
            HttpClient client,
            OutboundPolicy policy,
            long maxBodyBytes) {
        this.plugin = plugin;
        this.log = log;
        this.router = router;
        this.client = client;
        this.policy = policy;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The client a handler shares among its plugins: redirects are the plugin's to follow, each through this policy. */
    public static HttpClient newClient() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /**
     * Sends a request; the stage fails with an {@link OutboundException} when it gets no answer.
     *
     * @param cause the request the call is made for (its origin, deadline and depth carry over), or null
     * @param trace the traceparent of the call it is made in when there is no cause (a plug call's), or null
     */
    public CompletableFuture<Response> fetch(
            String method, String url, Headers headers, byte[] body, Request cause, String trace, long timeoutMs) {
        CompletableFuture<Response> answer;
        try {
            String origin = OutboundPolicy.originOf(cause == null ? null : cause.header("host"));
            OutboundPolicy.Target target = policy.resolve(url, origin);
            Headers carried = traced(headers, cause, trace);
            answer = target instanceof OutboundPolicy.InProcess in
                    ? inProcess(method, in, carried, body, cause, timeoutMs)
                    : remote(method, ((OutboundPolicy.Remote) target), carried, body, timeoutMs);
        } catch (OutboundException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((response, failure) -> {
            if (failure == null) {
                return response;
            }
            OutboundException why = explain(url, failure);
            if (why.kind() == OutboundException.Kind.REFUSED) {
                log.warn("[{}] fetch refused: {}", plugin, why.getMessage());
            } else {
                log.warn("[{}] fetch {} failed: {}", plugin, url, why.getMessage());
            }
            throw new CompletionException(why);
        });
    }

    /**
     * {@link #fetch} for a caller that waits on its own thread (a wasm host function).
     *
     * @throws InterruptedException when the calling plugin's deadline interrupts the wait
     */
    public Response await(
            String method, String url, Headers headers, byte[] body, Request cause, String trace, long timeoutMs)
            throws OutboundException, InterruptedException {
        CompletableFuture<Response> answer = fetch(method, url, headers, body, cause, trace, timeoutMs);
        try {
            return answer.get();
        } catch (ExecutionException e) {
            throw (OutboundException) e.getCause(); // fetch fails with nothing else
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        }
    }

    private CompletableFuture<Response> inProcess(
            String method, OutboundPolicy.InProcess target, Headers headers, byte[] body, Request cause, long timeoutMs)
            throws OutboundException {
        VluginRouter r = router.get();
        if (r == null) {
            throw new OutboundException(OutboundException.Kind.FAILED, "no router to call " + target.path());
        }
        Request.Builder request = Request.builder(method, target.path())
                .rawQuery(target.rawQuery())
                .headers(headers)
                .body(body);
        // A copy: the router's stage is not ours to time out.
        return r.route((cause == null ? request : request.within(cause)).build())
                .toCompletableFuture()
                .copy()
                .orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<Response> remote(
            String method, OutboundPolicy.Remote target, Headers headers, byte[] body, long timeoutMs)
            throws OutboundException {
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(target.uri())
                    .timeout(Duration.ofMillis(Math.max(1, timeoutMs)))
                    .method(
                            method,
                            body.length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach((n, v) -> {
                if (!RESTRICTED.contains(n.toLowerCase(Locale.ROOT))) {
                    request.header(n, v);
                }
            });
        } catch (IllegalArgumentException e) { // a method, URL or header the HTTP client refuses
            throw new OutboundException(OutboundException.Kind.MALFORMED, target.uri() + ": " + e.getMessage());
        }
        return client.sendAsync(request.build(), CappedBody.handler(maxBodyBytes))
                .thenApply(response -> {
                    Headers.Builder answer = Headers.builder();
                    response.headers().map().forEach((n, values) -> {
                        if (!n.startsWith(":")) {
                            values.forEach(v -> answer.add(n, v));
                        }
                    });
                    return Response.of(response.statusCode(), answer.build(), response.body());
                });
    }

    /**
     * The call carries its cause's trace (or, with no cause, {@code trace}) on, from a parent of its
     * own, unless the plugin set a traceparent itself; tracestate travels unchanged.
     */
    /**
     * The trace a call belongs to: its request's traceparent, or with no request (a plug call) the
     * one it was given; null if none.
     */
    public static String traceOf(Request cause, String trace) {
        return cause != null ? cause.header(TraceContext.TRACEPARENT) : trace;
    }

    static Headers traced(Headers headers, Request cause, String trace) {
        if (headers.contains(TraceContext.TRACEPARENT)) {
            return headers;
        }
        String parent = traceOf(cause, trace);
        if (!TraceContext.valid(parent)) {
            return headers;
        }
        Headers carried = headers.with(TraceContext.TRACEPARENT, TraceContext.child(parent));
        String state = cause == null ? null : cause.header(TraceContext.TRACESTATE);
        return state == null || headers.contains(TraceContext.TRACESTATE)
                ? carried
                : carried.with(TraceContext.TRACESTATE, state);
    }

    private static OutboundException explain(String url, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof OutboundException o) {
            return o;
        }
        if (cause instanceof TimeoutException) {
            return new OutboundException(OutboundException.Kind.FAILED, url + ": no answer in time");
        }
        return new OutboundException(OutboundException.Kind.FAILED, url + ": " + cause);
    }
}
