package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.TraceContext;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginProperties;
import dev.valor.api.VluginRouter;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/** The router's semantics, against the real Jetty port, with Vlugin services registered by the test. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RouterIT extends ValorTestSupport {

    private final List<ServiceRegistration<Vlugin>> registrations = new ArrayList<>();

    @Configuration
    public Option[] config() {
        return valor(Map.of());
    }

    @Before
    public void ready() throws Exception {
        awaitReady();
    }

    @After
    public void unregister() {
        registrations.forEach(r -> {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // the test did it
            }
        });
    }

    private ServiceRegistration<Vlugin> register(String name, String prefix, Vlugin vlugin, Object... props) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(VluginProperties.NAME, name);
        if (prefix != null) {
            p.put(VluginProperties.PREFIX, prefix);
        }
        for (int i = 0; i < props.length; i += 2) {
            p.put((String) props[i], props[i + 1]);
        }
        ServiceRegistration<Vlugin> reg = context.registerService(Vlugin.class, vlugin, p);
        registrations.add(reg);
        return reg;
    }

    /** Answers with what it saw: method, path, query, a header and the body's length. */
    private static Vlugin echo(String tag) {
        return r -> CompletableFuture.completedStage(Response.text(tag + " " + r.method() + " " + r.path()
                + " q=" + r.rawQuery() + " who=" + r.queryParameter("who") + " tags="
                + r.headers().all("X-TAG")
                + " body=" + r.body().length()));
    }

    /** Holds the server's thread until released, then answers. */
    private static Vlugin blocksUntil(CountDownLatch release) {
        return r -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedStage(Response.text("too late"));
        };
    }

    private VluginRouter router() {
        return context.getService(context.getServiceReference(VluginRouter.class));
    }

    @Test
    public void shouldGiveANestedCallTheDeadlineOfTheRequestItIsMadeFor() throws Exception {
        VluginRouter router = router();
        register(
                "inner",
                "inner",
                r -> CompletableFuture.completedStage(Response.text(
                        (r.deadlineNanos() - System.nanoTime()) / 1_000_000 + " ms left at depth " + r.depth())));
        register(
                "outer",
                "outer",
                r -> router.route(Request.builder("GET", "/inner").within(r).build()),
                VluginProperties.TIMEOUT_MS,
                1_000L);
        String[] answer = get("/outer").body().split(" ");
        long left = Long.parseLong(answer[0]);
        assertTrue("inner has the outer's 1000 ms, not its own 30 s: " + left, left > 0 && left <= 1_000);
        assertEquals("1", answer[answer.length - 1]);

        Request late = Request.builder("GET", "/inner")
                .deadlineNanos(System.nanoTime() - 1)
                .depth(1)
                .build();
        Response past = router.route(late).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("a call for a request past its deadline is not made", 504, past.status());
    }

    @Test
    public void shouldCheckAnInProcessCallAsJettyChecksOneFromTheNetwork() throws Exception {
        register("echo", "echo", echo("echo"));
        VluginRouter router = router();
        Request big = Request.builder("GET", "/echo")
                .headers(Headers.builder().add("x-big", "a".repeat(20_000)).build())
                .build();
        assertEquals(
                431,
                router.route(big).toCompletableFuture().get(5, TimeUnit.SECONDS).status());
        assertEquals(
                400,
                router.route(Request.builder("CONNECT", "/echo").build())
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS)
                        .status());
        assertEquals(
                400,
                router.route(Request.builder("GET", "/echo/a/%2e%2e/b").build())
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS)
                        .status());
        assertEquals(
                200,
                router.route(Request.builder("GET", "/echo/a").build())
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS)
                        .status());
    }

    @Test
    public void shouldEndACallChainThatNestsTooDeep() throws Exception {
        VluginRouter router = router();
        AtomicInteger calls = new AtomicInteger();
        register("self", "self", r -> {
            calls.incrementAndGet();
            return router.route(Request.builder("GET", "/self").within(r).build())
                    .thenApply(inner ->
                            Response.text(inner.status() + " " + inner.body().text()));
        });
        HttpResponse<String> r = get("/self");
        assertEquals(200, r.statusCode());
        assertTrue(
                r.body(),
                r.body().startsWith("200 ".repeat(8) + "508 {\"error\":\"in-process calls nested more than 8 deep\""));
        assertEquals("the request and 8 nested calls", 9, calls.get());
    }

    @Test
    public void shouldServeThePrefixAndPathsBelowItWithThePrefixStripped() throws Exception {
        register("echo", "echo", echo("echo"));
        assertEquals("echo GET / q= who=null tags=[] body=0", get("/echo").body());
        assertEquals(
                "echo GET /a/b q=who=Bob+Smith who=Bob Smith tags=[] body=0",
                get("/echo/a/b?who=Bob+Smith").body());
        assertEquals("echo GET / q= who=null tags=[] body=0", get("/echo/").body());
    }

    @Test
    public void shouldGiveThePluginTheDecodedPathAndTheRawOne() throws Exception {
        register("paths", "paths", r -> CompletableFuture.completedStage(Response.text(r.path() + "|" + r.rawPath())));
        assertEquals("/a b/c|/a%20b/c", get("/paths/a%20b/c").body());
        assertEquals("/|/", get("/other/../paths").body());
        assertEquals(400, get("/paths/a%2Fb").statusCode());
    }

    @Test
    public void shouldMatchPrefixesOnWholeSegmentsOnly() throws Exception {
        register("seg", "hello", echo("seg"));
        assertEquals(200, get("/hello").statusCode());
        assertEquals(404, get("/helloworld").statusCode());
        assertEquals(404, get("/hell").statusCode());
    }

    @Test
    public void shouldPreferTheLongestMatchingPrefix() throws Exception {
        register("api", "api", echo("api"));
        register("v1", "api/v1", echo("v1"));
        assertEquals(
                "v1 GET /users q= who=null tags=[] body=0", get("/api/v1/users").body());
        assertEquals(
                "api GET /v2/users q= who=null tags=[] body=0",
                get("/api/v2/users").body());
        assertEquals("v1", get("/api/v1").headers().firstValue("x-valor-plugin").orElseThrow());
    }

    @Test
    public void shouldPassMethodHeadersAndBody() throws Exception {
        register("echo", "echo", echo("echo"));
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + "/echo/x"))
                .header("X-Tag", "a")
                .header("x-tag", "b")
                .POST(HttpRequest.BodyPublishers.ofString("12345")));
        assertEquals("echo POST /x q= who=null tags=[a, b] body=5", r.body());
    }

    @Test
    public void shouldKeepTheClientsTraceContextOrStartOne() throws Exception {
        register("traced", "traced", r -> CompletableFuture.completedStage(Response.text(r.header("traceparent"))));
        String given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assertEquals(
                given,
                send(HttpRequest.newBuilder(URI.create(base() + "/traced")).header("traceparent", given))
                        .body());
        String started = get("/traced").body();
        assertTrue(started, TraceContext.valid(started));
        String replaced = send(HttpRequest.newBuilder(URI.create(base() + "/traced"))
                        .header("traceparent", "junk"))
                .body();
        assertTrue(replaced, TraceContext.valid(replaced));
    }

    @Test
    public void shouldEchoTheClientsRequestIdAsCorrelationId() throws Exception {
        register("echo", "echo", echo("echo"));
        HttpResponse<String> r =
                send(HttpRequest.newBuilder(URI.create(base() + "/echo")).header("x-request-id", "abc-123"));
        assertEquals("abc-123", r.headers().firstValue("x-correlation-id").orElseThrow());
        assertEquals("echo", r.headers().firstValue("x-valor-plugin").orElseThrow());
    }

    @Test
    public void shouldGenerateARequestIdWhenTheClientSendsNoneOrAnUnsafeOne() throws Exception {
        register("echo", "echo", echo("echo"));
        String generated = get("/echo").headers().firstValue("x-correlation-id").orElseThrow();
        assertTrue(generated, generated.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
        HttpResponse<String> r =
                send(HttpRequest.newBuilder(URI.create(base() + "/echo")).header("x-request-id", "<script>"));
        assertFalse(r.headers().firstValue("x-correlation-id").orElseThrow().contains("<"));
    }

    @Test
    public void shouldAnswer404WithAJsonErrorWhenNoPluginMatches() throws Exception {
        HttpResponse<String> r =
                send(HttpRequest.newBuilder(URI.create(base() + "/nobody/here")).header("x-request-id", "r-404"));
        assertEquals(404, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
        assertEquals("{\"error\":\"no plugin serves /nobody/here\",\"requestId\":\"r-404\"}", r.body());
        assertFalse(r.headers().firstValue("x-valor-plugin").isPresent());
        assertEquals(404, get("/").statusCode());
    }

    @Test
    public void shouldAnswer500WithoutLeakingWhenAPluginThrows() throws Exception {
        register("boom", "boom", r -> {
            throw new IllegalStateException("secret detail");
        });
        HttpResponse<String> r =
                send(HttpRequest.newBuilder(URI.create(base() + "/boom")).header("x-request-id", "r-500"));
        assertEquals(500, r.statusCode());
        assertEquals("{\"error\":\"plugin failed\",\"requestId\":\"r-500\"}", r.body());
        assertEquals("boom", r.headers().firstValue("x-valor-plugin").orElseThrow());
    }

    @Test
    public void shouldAnswer500WhenAPluginsStageFails() throws Exception {
        register("fails", "fails", r -> CompletableFuture.failedFuture(new RuntimeException("secret")));
        register("nothing", "nothing", r -> null);
        HttpResponse<String> r = get("/fails");
        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains("secret"));
        assertEquals(500, get("/nothing").statusCode());
    }

    @Test
    public void shouldAnswerAsynchronouslyFromAnotherThread() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            register(
                    "later",
                    "later",
                    r -> CompletableFuture.supplyAsync(
                            () -> Response.text("later " + r.path()),
                            CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS, pool)));
            HttpResponse<String> r = get("/later/x");
            assertEquals(200, r.statusCode());
            assertEquals("later /x", r.body());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void shouldAnswer504WhenAPluginDoesNotAnswerInTime() throws Exception {
        register("stuck", "stuck", r -> new CompletableFuture<>(), VluginProperties.TIMEOUT_MS, 300L);
        long start = System.nanoTime();
        HttpResponse<String> r =
                send(HttpRequest.newBuilder(URI.create(base() + "/stuck")).header("x-request-id", "r-504"));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, r.statusCode());
        assertEquals("{\"error\":\"plugin did not answer within 300 ms\",\"requestId\":\"r-504\"}", r.body());
        assertTrue("answered after " + ms + " ms", ms >= 290 && ms < 5_000);
    }

    @Test
    public void shouldAnswer504EvenWhenAPluginBlocksItsThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        register("blocks", "blocks", blocksUntil(release), VluginProperties.TIMEOUT_MS, 200L);
        try {
            HttpResponse<String> r = get("/blocks");
            assertEquals(504, r.statusCode());
        } finally {
            release.countDown();
        }
    }

    @Test
    public void shouldNotKeepTheClientsNextRequestBehindAPluginThatBlocksItsThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        register("blocks", "blocks", blocksUntil(release), VluginProperties.TIMEOUT_MS, 200L);
        register("echo", "echo", echo("echo"));
        // One client, one connection at a time, as a proxy in front keeps them: its next request,
        // for another plugin, is answered while the first plugin still holds its thread.
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            assertEquals(
                    504,
                    client.send(
                                    HttpRequest.newBuilder(URI.create(base() + "/blocks"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            HttpResponse<String> next = client.send(
                    HttpRequest.newBuilder(URI.create(base() + "/echo"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("echo GET / q= who=null tags=[] body=0", next.body());
            assertEquals("the plugin still blocks", 1, release.getCount());
        } finally {
            release.countDown();
        }
    }

    @Test
    public void shouldApplyTheConfiguredBodyLimitAndDefaultTimeout() throws Exception {
        register("echo", "echo", echo("echo"));
        register("stuck", "stuck", r -> new CompletableFuture<>());
        ConfigurationAdmin cm = context.getService(context.getServiceReference(ConfigurationAdmin.class));
        org.osgi.service.cm.Configuration config = cm.getConfiguration("dev.valor.http", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("max.body.bytes", 1024L);
        props.put("timeout.ms", 250L);
        config.update(props);
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            HttpResponse<String> r;
            do {
                r = send(HttpRequest.newBuilder(URI.create(base() + "/echo"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1025])));
            } while (r.statusCode() != 413 && System.nanoTime() < deadline);
            assertEquals(413, r.statusCode());
            assertTrue(r.body(), r.body().startsWith("{\"error\":\"request body exceeds 1024 bytes\""));

            // Without a Content-Length (chunked), the limit holds as the body is read.
            HttpResponse<String> chunked = send(HttpRequest.newBuilder(URI.create(base() + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[4000]))));
            assertEquals(413, chunked.statusCode());

            assertEquals(
                    "echo POST / q= who=null tags=[] body=1024",
                    send(HttpRequest.newBuilder(URI.create(base() + "/echo"))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024])))
                            .body());
            assertEquals(504, get("/stuck").statusCode());
        } finally {
            config.delete();
        }
    }

    @Test
    public void shouldStopRoutingAtOnceWhenAVluginServiceGoesAway() throws Exception {
        ServiceRegistration<Vlugin> reg = register("gone", "gone", echo("gone"));
        assertEquals(200, get("/gone").statusCode());
        reg.unregister();
        assertEquals(404, get("/gone").statusCode());
    }

    @Test
    public void shouldLetRequestsInFlightCompleteWhenTheirPluginGoesAway() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CompletableFuture<Response> answer = new CompletableFuture<>();
        ServiceRegistration<Vlugin> reg = register("slow", "slow", r -> {
            entered.countDown();
            return answer;
        });
        CompletableFuture<HttpResponse<String>> inFlight = HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create(base() + "/slow")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        reg.unregister();
        assertEquals(404, get("/slow").statusCode());
        answer.complete(Response.text("finished"));
        HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertEquals("finished", r.body());
    }

    @Test
    public void shouldGiveAPrefixToTheNextServiceWhenTheFirstLeaves() throws Exception {
        ServiceRegistration<Vlugin> first = register("first", "shared", echo("first"));
        register("second", "shared", echo("second"));
        assertEquals(
                "first", get("/shared").headers().firstValue("x-valor-plugin").orElseThrow());
        first.unregister();
        assertEquals(
                "second", get("/shared").headers().firstValue("x-valor-plugin").orElseThrow());
    }

    @Test
    public void shouldAnswerHealthChecks() throws Exception {
        for (String check : new String[] {"/_health", "/_health/live", "/_health/ready"}) {
            HttpResponse<String> r = get(check);
            assertEquals(check, 200, r.statusCode()); // ready: the start-up deploys were done before the tests
            assertEquals("{\"status\":\"UP\"}", r.body());
        }
        assertEquals(404, get("/_health/other").statusCode());
    }

    @Test
    public void shouldNotServeMetricsUnlessTurnedOn() throws Exception {
        HttpResponse<String> r = get("/_metrics");
        assertEquals(404, r.statusCode());
        assertTrue(r.body(), r.body().contains("no plugin serves /_metrics"));
    }

    @Test
    public void shouldWriteOneAccessLogLinePerRequestWithItsTraceButNotForHealthChecks() throws Exception {
        register("logged", "logged", echo("logged"));
        String id = "log-" + System.nanoTime();
        send(HttpRequest.newBuilder(URI.create(base() + "/logged/a?x=1"))
                .header("x-request-id", id)
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        send(HttpRequest.newBuilder(URI.create(base() + "/_health")).header("x-request-id", id + "-health"));
        send(HttpRequest.newBuilder(URI.create(base() + "/missing")).header("x-request-id", id + "-404"));
        Path log = Paths.get(System.getProperty("valor.itest.log"));
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> lines;
        do {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } while (lines.stream().noneMatch(l -> l.contains("id=" + id + "-404")) && System.nanoTime() < deadline);
        List<String> mine = lines.stream().filter(l -> l.contains("id=" + id)).toList();
        assertEquals(mine.toString(), 2, mine.size());
        String line = mine.stream()
                .filter(l -> l.contains("id=" + id + " "))
                .findFirst()
                .orElseThrow();
        assertTrue(line, line.contains("plugin=logged status=200 method=GET path=/logged/a"));
        assertTrue(line, line.contains(" trace=4bf92f3577b34da6a3ce929d0e0e4736 "));
        assertTrue(line, line.matches(".* ms=\\d+\\.\\d+$"));
        String missing =
                mine.stream().filter(l -> l.contains("-404")).findFirst().orElseThrow();
        assertTrue(missing, missing.contains("plugin=- status=404"));
        assertTrue("a request without a trace gets one: " + missing, missing.matches(".* trace=[0-9a-f]{32} .*"));
        assertNotNull(Headers.empty());
        assertNotNull(Request.builder("GET", "/").build());
    }
}
