package dev.valor.sandbox.internal.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.TraceContext;
import dev.valor.api.VluginRouter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Sending what the policy resolved: in-process through the router, or out over HTTP, bounded. */
class OutboundTest {

    private HttpServer outside;
    private String origin;
    private final VluginRouter inside =
            request -> CompletableFuture.completedFuture(Response.text(200, "inside " + request.path()));

    @BeforeEach
    void startOutside() throws Exception {
        outside = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        outside.createContext("/big", exchange -> {
            byte[] body = new byte[4096];
            exchange.sendResponseHeaders(
                    200, "chunked".equals(exchange.getRequestURI().getQuery()) ? 0 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        outside.createContext("/trace", exchange -> {
            byte[] body = (exchange.getRequestHeaders().getFirst("traceparent") + " "
                            + exchange.getRequestHeaders().getFirst("tracestate"))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        outside.createContext("/", exchange -> {
            byte[] body = ("outside " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        outside.start();
        origin = "http://127.0.0.1:" + outside.getAddress().getPort();
    }

    @AfterEach
    void stopOutside() {
        outside.stop(0);
    }

    private Outbound outbound(List<String> allowedHosts) {
        return new Outbound(
                "test",
                LoggerFactory.getLogger(OutboundTest.class),
                () -> inside,
                HttpClient.newHttpClient(),
                new OutboundPolicy(allowedHosts),
                1024);
    }

    /** A request whose Host header names {@code authority}: a call made for it is on that origin. */
    private static Request cause(String authority) {
        return Request.builder("GET", "/")
                .headers(Headers.builder().add("host", authority).build())
                .build();
    }

    private String fetch(List<String> allowedHosts, String url) throws Exception {
        Response r = outbound(allowedHosts)
                .fetch(
                        "GET",
                        url,
                        Headers.builder().build(),
                        new byte[0],
                        cause(origin.substring("http://".length())),
                        null,
                        5_000)
                .get(10, TimeUnit.SECONDS);
        return new String(r.body().bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldRouteRelativeAndSameOriginUrlsInProcess() throws Exception {
        assertEquals("inside /hello", fetch(List.of(), "/hello"));
        assertEquals("inside /hello", fetch(List.of(), origin + "/hello"));
    }

    @Test
    void shouldSendAGrantedHostOutEvenWhenTheClientClaimsItAsTheOrigin() throws Exception {
        // The origin is the client's Host header: it must not turn a granted API call into a local one.
        assertEquals("outside /hello", fetch(List.of("127.0.0.1"), origin + "/hello"));
        assertEquals("inside /hello", fetch(List.of("127.0.0.1"), "/hello"));
    }

    @Test
    void shouldRefuseARemoteAnswerLargerThanThePluginsMemoryBound() throws Exception {
        for (String url : List.of(origin + "/big", origin + "/big?chunked")) { // declared, then streamed
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> outbound(List.of("127.0.0.1"))
                            .fetch("GET", url, Headers.builder().build(), new byte[0], cause("elsewhere"), null, 5_000)
                            .get(10, TimeUnit.SECONDS));
            OutboundException why = (OutboundException) e.getCause();
            assertEquals(OutboundException.Kind.FAILED, why.kind());
            assertTrue(why.getMessage().contains("larger than 1024 bytes"), why.getMessage());
        }
    }

    @Test
    void shouldFailWithTheSameKindsForEveryCaller() throws Exception {
        ExecutionException refused = assertThrows(
                ExecutionException.class,
                () -> outbound(List.of())
                        .fetch(
                                "GET",
                                origin + "/x",
                                Headers.builder().build(),
                                new byte[0],
                                cause("elsewhere"),
                                null,
                                5_000)
                        .get(10, TimeUnit.SECONDS));
        assertEquals(OutboundException.Kind.REFUSED, ((OutboundException) refused.getCause()).kind());
        // Nothing listens on the port the stopped server had: tried, and failed.
        outside.stop(0);
        OutboundException failed = assertThrows(
                OutboundException.class,
                () -> outbound(List.of("127.0.0.1"))
                        .await(
                                "GET",
                                origin + "/x",
                                Headers.builder().build(),
                                new byte[0],
                                cause("elsewhere"),
                                null,
                                5_000));
        assertEquals(OutboundException.Kind.FAILED, failed.kind());
        OutboundException malformed = assertThrows(
                OutboundException.class,
                () -> outbound(List.of("127.0.0.1"))
                        .await("B@D", origin + "/x", Headers.builder().build(), new byte[0], null, null, 5_000));
        assertEquals(OutboundException.Kind.MALFORMED, malformed.kind());
    }

    @Test
    void shouldGiveUpOnAnInProcessCallPastTheTimeout() {
        Outbound stuck = new Outbound(
                "test",
                LoggerFactory.getLogger(OutboundTest.class),
                () -> request -> new CompletableFuture<>(),
                HttpClient.newHttpClient(),
                new OutboundPolicy(List.of()),
                1024);
        OutboundException e = assertThrows(
                OutboundException.class,
                () -> stuck.await("GET", "/never", Headers.builder().build(), new byte[0], null, null, 50));
        assertEquals(OutboundException.Kind.FAILED, e.kind());
        assertEquals("/never: no answer in time", e.getMessage());
    }

    @Test
    void shouldCarryTheCausesTraceOnFromANewParent() throws Exception {
        String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Request cause = Request.builder("GET", "/")
                .headers(Headers.of("host", "elsewhere", "traceparent", parent, "tracestate", "v=1"))
                .build();
        String[] remote = new String(
                        outbound(List.of("127.0.0.1"))
                                .fetch(
                                        "GET",
                                        origin + "/trace",
                                        Headers.builder().build(),
                                        new byte[0],
                                        cause,
                                        null,
                                        5_000)
                                .get(10, TimeUnit.SECONDS)
                                .body()
                                .bytes(),
                        StandardCharsets.UTF_8)
                .split(" ");
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceContext.traceId(remote[0]));
        assertTrue(!remote[0].equals(parent), "a parent of its own");
        assertEquals("v=1", remote[1]);
        Outbound traced = new Outbound(
                "test",
                LoggerFactory.getLogger(OutboundTest.class),
                () -> request -> CompletableFuture.completedFuture(Response.text(200, request.header("traceparent"))),
                HttpClient.newHttpClient(),
                new OutboundPolicy(List.of()),
                1024);
        String inside = new String(
                traced.await("GET", "/x", Headers.builder().build(), new byte[0], cause, null, 5_000)
                        .body()
                        .bytes(),
                StandardCharsets.UTF_8);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceContext.traceId(inside));
        // A plug call has no request of its own, only its consumer's trace: that goes on too.
        String fromPlug = new String(
                traced.await("GET", "/x", Headers.builder().build(), new byte[0], null, parent, 5_000)
                        .body()
                        .bytes(),
                StandardCharsets.UTF_8);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceContext.traceId(fromPlug));
        assertTrue(!fromPlug.equals(parent), "a parent of its own");
    }
}
