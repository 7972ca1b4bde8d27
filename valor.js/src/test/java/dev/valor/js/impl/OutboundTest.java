package dev.valor.js.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.valor.api.Headers;
import dev.valor.api.Response;
import dev.valor.api.VluginRouter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutboundTest {

    private HttpServer outside;
    private String origin;
    private final VluginRouter inside = request ->
            CompletableFuture.completedFuture(Response.text(200, "inside " + request.path()));

    @BeforeEach
    void startOutside() throws Exception {
        outside = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        outside.createContext("/big", exchange -> {
            byte[] body = new byte[4096];
            exchange.sendResponseHeaders(200, "chunked".equals(exchange.getRequestURI().getQuery()) ? 0 : body.length);
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

    private String fetch(List<String> allowedHosts, String url) throws Exception {
        Outbound outbound = new Outbound(() -> inside, HttpClient.newHttpClient(), allowedHosts, 1024);
        Response r = outbound.fetch("GET", url, Headers.builder().build(), new byte[0], origin, null, 5_000)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
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
            Outbound outbound = new Outbound(() -> inside, HttpClient.newHttpClient(), List.of("127.0.0.1"), 1024);
            java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> outbound.fetch("GET", url,
                            Headers.builder().build(), new byte[0], "http://elsewhere", null, 5_000)
                            .toCompletableFuture().get(10, TimeUnit.SECONDS));
            org.junit.jupiter.api.Assertions.assertTrue(String.valueOf(e.getCause().getMessage())
                    .contains("larger than 1024 bytes"), String.valueOf(e.getCause()));
        }
    }
}
