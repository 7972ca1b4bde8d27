package dev.valor.metrics.impl;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginRoute;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /_metrics}: the meters in Prometheus' text format. With a token ({@value #TOKEN}; the
 * launcher sets the registry's when the runtime is bound beyond loopback) every scrape needs
 * {@code Authorization: Bearer TOKEN}, as {@code /_plugins} does; without one it is open on a
 * loopback address and closed on any other.
 */
@Component(enabled = false)
@VluginRoute(name = "_metrics")
public class MetricsEndpoint implements Vlugin {

    /** Framework property: the address the runtime is bound to. */
    static final String HOST = "org.apache.felix.http.host";
    /** Framework property: the bearer token a scrape must bring. */
    static final String TOKEN = "valor.metrics.token";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    @Reference
    private PrometheusMeters meters;

    /** What the authorization header must be, or null when no token is asked for. */
    private byte[] expected;
    /** Bound beyond loopback without a token: nothing is served. */
    private boolean closed;

    @Activate
    void activate(BundleContext context) {
        String token = context.getProperty(TOKEN);
        if (token != null && !token.isBlank()) {
            expected = ("Bearer " + token.strip()).getBytes(UTF_8);
        } else if (!isLoopback(context.getProperty(HOST))) {
            closed = true;
            LOG.warn("/_metrics is bound beyond loopback without a token ({}): every scrape is refused", TOKEN);
        }
    }

    /** Whether the address is a loopback one; an unknown or wildcard address is not. */
    static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false; // Jetty binds every address then
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host.strip())) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public CompletionStage<Response> handle(Request request) {
        return CompletableFuture.completedStage(answer(request));
    }

    private Response answer(Request request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Response.json(405, "{\"error\":\"/_metrics is read with GET\"}".getBytes(UTF_8))
                    .withHeader("allow", "GET, HEAD");
        }
        if (closed || expected != null && !authorized(request)) {
            return Response.json(401, "{\"error\":\"a valid bearer token is required\"}".getBytes(UTF_8))
                    .withHeader("www-authenticate", "Bearer realm=\"valor\"");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            TEXT.write(out, meters.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from a byte array
        }
        return Response.of(
                200,
                Headers.builder().add("content-type", TEXT.getContentType()).build(),
                out.toByteArray());
    }

    private boolean authorized(Request request) {
        String given = request.header("authorization");
        return given != null && MessageDigest.isEqual(expected, given.strip().getBytes(UTF_8));
    }
}
