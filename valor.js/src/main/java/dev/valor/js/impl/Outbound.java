package dev.valor.js.impl;

import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.VluginRouter;
import dev.valor.sandbox.internal.CappedBody;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A plugin's {@code fetch}: a URL on the plugin's own origin or a relative one goes in-process to
 * the plugin whose prefix claims it; another host only if {@code capabilities.allowed_hosts}
 * lists it. Anything else fails with a reason the plugin sees.
 */
final class Outbound {

    private static final Set<String> RESTRICTED = Set.of("host", "connection", "content-length", "upgrade",
            "expect", "transfer-encoding");

    private final Supplier<VluginRouter> router;
    private final HttpClient client;
    private final List<String> allowedHosts;
    private final long maxBodyBytes;

    /** @param maxBodyBytes the largest body a remote host may answer with (the plugin's memory bound) */
    Outbound(Supplier<VluginRouter> router, HttpClient client, List<String> allowedHosts, long maxBodyBytes) {
        this.router = router;
        this.client = client;
        this.allowedHosts = allowedHosts;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * @param origin the calling request's own {@code http://host} (its Host header), whose URLs are in-process
     * @param cause  the request the call is made for (its deadline and depth carry over), or null
     */
    CompletionStage<Response> fetch(String method, String url, Headers headers, byte[] body, String origin,
            Request cause, long timeoutMs) {
        String target = url;
        // The origin comes from the client's Host header: a granted host always goes out, so a
        // client cannot turn a plugin's call to a granted API into a call to a local plugin.
        if (target.startsWith(origin + "/") && !allowedHosts.contains(hostOf(origin))) {
            target = target.substring(origin.length());
        }
        if (target.startsWith("/")) {
            VluginRouter r = router.get();
            if (r == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("no router for " + target));
            }
            int q = target.indexOf('?');
            Request.Builder request = Request.builder(method, q < 0 ? target : target.substring(0, q))
                    .rawQuery(q < 0 ? "" : target.substring(q + 1)).headers(headers).body(body);
            return r.route((cause == null ? request : request.within(cause)).build());
        }
        URI uri;
        try {
            uri = URI.create(target);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a URL: " + url));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return CompletableFuture.failedFuture(new SecurityException("only http and https URLs may be fetched: " + url));
        }
        if (!allowedHosts.contains(host)) {
            return CompletableFuture.failedFuture(new SecurityException(
                    "host " + host + " is not in capabilities.allowed_hosts"));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(Math.max(1, timeoutMs)))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((n, v) -> {
            if (!RESTRICTED.contains(n.toLowerCase(Locale.ROOT))) {
                request.header(n, v);
            }
        });
        return client.sendAsync(request.build(), CappedBody.handler(maxBodyBytes)).thenApply(response -> {
            Headers.Builder answer = Headers.builder();
            response.headers().map().forEach((n, values) -> {
                if (!n.startsWith(":")) {
                    values.forEach(v -> answer.add(n, v));
                }
            });
            return Response.of(response.statusCode(), answer.build(), response.body());
        });
    }

    private static String hostOf(String origin) {
        try {
            String host = URI.create(origin).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
