package dev.valor.wasm.impl.outbound;

import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.VluginRouter;
import dev.valor.sandbox.internal.CappedBody;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A module's outbound HTTP: a relative URL goes in-process to the plugin whose prefix claims it;
 * an absolute one only to a host its capabilities list. Everything else is refused with a code
 * the module sees.
 */
public final class Outbound {

    /** Refused by policy: a host not granted, a scheme other than http(s). */
    public static final int REFUSED = -1;
    /** Tried and failed: no answer in time, no connection, no router. */
    public static final int FAILED = -2;
    /** The request head could not be read. */
    public static final int MALFORMED = -3;

    private static final Set<String> RESTRICTED = Set.of("host", "connection", "content-length", "upgrade",
            "expect", "transfer-encoding");

    private final Supplier<VluginRouter> router;
    private final HttpClient client;
    private final List<String> allowedHosts;
    private final long maxBodyBytes;

    /** @param maxBodyBytes the largest body a remote host may answer with (the plugin's memory bound) */
    public Outbound(Supplier<VluginRouter> router, HttpClient client, List<String> allowedHosts, long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
        this.router = router;
        this.client = client;
        this.allowedHosts = allowedHosts;
    }

    /** Why a fetch did not happen, with the code the module gets. */
    public static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final int code;

        Refusal(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /**
     * Performs a request given in the ABI's head format, but with a URL in place of the path:
     * {@code "GET https://host/x\nname: value\n"} or {@code "GET /other-plugin/x?y\n"}.
     *
     * @param cause the request the call is made for (its deadline and depth carry over), or null
     * @throws InterruptedException when the calling plugin's deadline interrupts the wait
     */
    public Response fetch(byte[] head, byte[] body, Request cause, long timeoutMs, String caller)
            throws Refusal, InterruptedException {
        String[] lines = new String(head, StandardCharsets.UTF_8).split("\r?\n");
        String first = lines.length == 0 ? "" : lines[0].strip();
        int space = first.indexOf(' ');
        if (space <= 0) {
            throw new Refusal(MALFORMED, "the request head does not start with 'METHOD URL'");
        }
        String method = first.substring(0, space).toUpperCase(Locale.ROOT);
        String url = first.substring(space + 1).strip();
        Headers.Builder headers = Headers.builder();
        try {
            for (int i = 1; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    throw new Refusal(MALFORMED, "not a header line: '" + lines[i] + "'");
                }
                headers.add(lines[i].substring(0, colon).strip(), lines[i].substring(colon + 1).strip());
            }
        } catch (IllegalArgumentException e) {
            throw new Refusal(MALFORMED, e.getMessage());
        }
        return url.startsWith("/") ? inProcess(method, url, headers.build(), body, cause, timeoutMs)
                : remote(method, url, headers.build(), body, timeoutMs);
    }

    private Response inProcess(String method, String url, Headers headers, byte[] body, Request cause,
            long timeoutMs) throws Refusal, InterruptedException {
        VluginRouter r = router.get();
        if (r == null) {
            throw new Refusal(FAILED, "no router to call " + url);
        }
        int q = url.indexOf('?');
        Request.Builder request = Request.builder(method, q < 0 ? url : url.substring(0, q))
                .rawQuery(q < 0 ? "" : url.substring(q + 1)).headers(headers).body(body);
        if (cause != null) {
            request.within(cause);
        }
        try {
            return r.route(request.build()).toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new Refusal(FAILED, url + ": " + e);
        }
    }

    private Response remote(String method, String url, Headers headers, byte[] body, long timeoutMs)
            throws Refusal, InterruptedException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new Refusal(MALFORMED, "not a URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refusal(REFUSED, "only http and https URLs may be fetched: " + url);
        }
        if (!allowedHosts.contains(host)) {
            throw new Refusal(REFUSED, "host " + host + " is not in capabilities.allowed_hosts");
        }
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(Math.max(1, timeoutMs)))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach((n, v) -> {
                if (!RESTRICTED.contains(n.toLowerCase(Locale.ROOT))) {
                    request.header(n, v);
                }
            });
        } catch (IllegalArgumentException e) { // a method, URL or header the HTTP client refuses
            throw new Refusal(MALFORMED, url + ": " + e.getMessage());
        }
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), CappedBody.handler(maxBodyBytes));
        } catch (IOException e) {
            throw new Refusal(FAILED, url + ": " + e);
        }
        Headers.Builder answer = Headers.builder();
        response.headers().map().forEach((n, values) -> {
            if (!n.startsWith(":")) {
                values.forEach(v -> answer.add(n, v));
            }
        });
        return Response.of(response.statusCode(), answer.build(), response.body());
    }
}
