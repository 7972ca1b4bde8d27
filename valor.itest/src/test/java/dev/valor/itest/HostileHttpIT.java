package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginProperties;
import dev.valor.api.VluginRouter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Hostile and broken clients on the real port: each gets a clean 4xx or a closed connection, and the next request is answered. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HostileHttpIT extends ValorTestSupport {

    @Configuration
    public Option[] config() {
        return valor(Map.of("org.apache.felix.http.timeout", "1500"));
    }

    private final List<ServiceRegistration<Vlugin>> registrations = new ArrayList<>();

    @Before
    public void ready() throws Exception {
        awaitReady();
        register("echo", r -> CompletableFuture.completedStage(Response.text(r.method() + " " + r.path())));
    }

    @After
    public void unregister() {
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
    }

    private void register(String name, Vlugin vlugin) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(VluginProperties.NAME, name);
        registrations.add(context.registerService(Vlugin.class, vlugin, p));
    }

    /**
     * Holds half of an 80,000-byte body, sends whole ones beside it until one is refused with 503,
     * then completes the held one: its status line, or null when a second body got in first.
     */
    private String heldBodyRound() throws Exception {
        boolean secondGotIn = false;
        try (Socket held = new Socket("127.0.0.1", port())) {
            held.setSoTimeout(10_000);
            OutputStream out = held.getOutputStream();
            out.write("POST /size HTTP/1.1\r\nHost: x\r\nContent-Length: 80000\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[40_000]); // half of it: 64 KiB of the budget held
            out.flush();
            byte[] full = new byte[80_000];
            long deadline = System.nanoTime() + 10_000_000_000L;
            int status = 0;
            int sent = 40_000;
            while (status != 503 && System.nanoTime() < deadline) {
                out.write(0); // within the idle timeout
                sent++;
                try {
                    status = send(HttpRequest.newBuilder(URI.create(base() + "/size"))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(full)))
                            .statusCode();
                } catch (IOException reset) {
                    // Refused with "connection: close" while the client still wrote: it may see
                    // the reset before the 503. Sent again, it reads the answer.
                    continue;
                }
                secondGotIn |= status == 200;
            }
            assertEquals("a second body past the budget is refused", 503, status);
            try {
                out.write(new byte[80_000 - sent]);
                out.flush();
            } catch (IOException closed) {
                // Refused before its rest was written: what the server answered says why.
                String answer = statusLine(held);
                if (answer.startsWith("HTTP/1.1 503")) {
                    return null;
                }
                throw new AssertionError("the held body was closed, answered: " + answer, closed);
            }
            String line = new String(held.getInputStream().readNBytes(15), StandardCharsets.ISO_8859_1);
            // Under load the held body's next read may come while the refused one's share is still
            // being given back: that round is played again too; one that never serves it fails.
            return line.equals("HTTP/1.1 200 OK") ? line : null;
        } catch (IOException e) {
            if (secondGotIn) {
                return null; // refused and closed while the second body held the budget
            }
            throw e;
        }
    }

    /** The status line a socket's server answered, or how reading it failed. */
    private static String statusLine(Socket socket) {
        try {
            StringBuilder line = new StringBuilder();
            InputStream in = socket.getInputStream();
            for (int c; (c = in.read()) != -1 && c != '\r'; ) {
                line.append((char) c);
            }
            return line.toString();
        } catch (IOException e) {
            return "nothing readable (" + e + ")";
        }
    }

    private int port() {
        return Integer.parseInt(context.getProperty("org.osgi.service.http.port"));
    }

    /** Sends raw bytes and returns the status line the server answers, or "closed". */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                line.append((char) c);
            }
            return line.length() == 0 ? "closed" : line.toString().strip();
        }
    }

    private void stillServes() throws Exception {
        HttpResponse<String> r = get("/echo/ok");
        assertEquals(200, r.statusCode());
        assertEquals("GET /ok", r.body());
    }

    @Test
    public void shouldAnswer431ForHeadersOverTheLimit() throws Exception {
        String status = raw("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n");
        assertTrue(status, status.startsWith("HTTP/1.1 431") || status.equals("closed"));
        stillServes();
    }

    @Test
    public void shouldRefuseMalformedRequestLinesAndUrls() throws Exception {
        assertTrue(raw("GARBAGE\r\n\r\n").matches("HTTP/1.1 4\\d\\d.*|closed"));
        assertTrue(raw("GET /echo HTTP/7.0\r\nHost: x\r\n\r\n").matches("HTTP/1.1 [45]\\d\\d.*|closed"));
        assertTrue(raw("GET /echo/%zz HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 400"));
        assertTrue(raw("GET /echo/%00 HTTP/1.1\r\nHost: x\r\n\r\n").matches("HTTP/1.1 4\\d\\d.*"));
        stillServes();
    }

    @Test
    public void shouldNeverLetDotsOrEncodedSlashesLeaveTheServedPaths() throws Exception {
        for (String path : new String[] {
            "/echo/..%2F..%2Fetc%2Fpasswd",
            "/echo/%2e%2e/%2e%2e/etc/passwd",
            "/echo/../../etc/passwd",
            "/echo/a%2Fb",
            "/echo/..;/_health"
        }) {
            String status = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(path + " -> " + status, status.matches("HTTP/1.1 4\\d\\d.*"));
        }
        stillServes();
    }

    @Test
    public void shouldRefusePathParametersThatWouldRouteAroundThePrefix() throws Exception {
        register("other", r -> CompletableFuture.completedStage(Response.text("other " + r.path())));
        for (String path : new String[] {
            "/_plugins;x/../other", "/echo;x/../other", "/echo;x/../../x", "/echo/a;b/c", "/echo;x", "/other/..;x/echo"
        }) {
            String status = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(path + " -> " + status, status.startsWith("HTTP/1.1 400"));
        }
        assertEquals("other /", get("/other").body());
        assertEquals("other /x", get("/other/y/../x").body()); // a plain dot segment resolves as browsers do
        stillServes();
    }

    @Test
    public void shouldAnswer500ForAnAnswerWhoseHeadersJettyCannotSend() throws Exception {
        register(
                "loud",
                r -> CompletableFuture.completedStage(Response.text("loud")
                        .withHeader("x-big", "a".repeat(Integer.parseInt(r.queryParameter("kb")) * 1024))));
        HttpResponse<String> fits = get("/loud?kb=12");
        assertEquals(200, fits.statusCode());
        assertEquals(12 * 1024, fits.headers().firstValue("x-big").orElseThrow().length());
        HttpResponse<String> tooMany = get("/loud?kb=20");
        assertEquals("a clear 500, not an empty reply", 500, tooMany.statusCode());
        assertEquals("loud", tooMany.headers().firstValue("x-valor-plugin").orElseThrow());
        stillServes();
    }

    @Test
    public void shouldPassUnknownMethodsToThePluginUntouched() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + "/echo/x"))
                .method("FROB", HttpRequest.BodyPublishers.noBody()));
        assertEquals("FROB /x", r.body());
        stillServes();
    }

    @Test
    public void shouldSurviveAClientThatLeavesMidBody() throws Exception {
        for (int i = 0; i < 5; i++) {
            try (Socket socket = new Socket("127.0.0.1", port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        }
        stillServes();
    }

    @Test
    public void shouldCloseAClientThatSendsTooSlowly() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            long start = System.nanoTime();
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (IOException e) {
                read = -1; // reset: closed just the same
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue("the server closed it (read " + read + ")", read == -1 || read == 'H');
            assertTrue("after its idle timeout, not at once nor never: " + ms + " ms", ms > 1_000 && ms < 9_000);
        }
        stillServes();
    }

    @Test
    public void shouldKeepAnsweringWhileHundredsOfUploadsTrickle() throws Exception {
        // More trickling uploads than Jetty has threads (200): a blocking body read held one each.
        List<Socket> uploads = new CopyOnWriteArrayList<>();
        // Each upload sends a byte every 300 ms, within the idle timeout, from the moment it is open.
        ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
        List<String> cut = new CopyOnWriteArrayList<>();
        feeder.scheduleAtFixedRate(
                () -> {
                    for (Socket socket : uploads) {
                        try {
                            socket.getOutputStream().write('1');
                        } catch (IOException e) {
                            cut.add(e.toString());
                        }
                    }
                },
                0,
                300,
                TimeUnit.MILLISECONDS);
        try {
            for (int i = 0; i < 260; i++) {
                Socket socket = new Socket("127.0.0.1", port());
                socket.getOutputStream()
                        .write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0"
                                .getBytes(StandardCharsets.ISO_8859_1));
                uploads.add(socket);
            }
            long until = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < until) {
                HttpResponse<String> health = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base() + "/_health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, health.statusCode());
            }
            assertEquals("uploads within the rate are not cut", 0, cut.size());
        } finally {
            feeder.shutdownNow();
            for (Socket socket : uploads) {
                socket.close();
            }
        }
        stillServes();
    }

    @Test
    public void shouldAnswer408ToABodySlowerThanTheMinimumRate() throws Exception {
        Map<String, Object> slow = Map.of("body.grace.ms", 300L, "body.min.rate", 1000L);
        org.osgi.service.cm.Configuration config = routerConfig(slow);
        try {
            long deadline = System.nanoTime() + 15_000_000_000L;
            String status = "";
            long ms = 0;
            while (!status.startsWith("HTTP/1.1 408") && System.nanoTime() < deadline) {
                try (Socket socket = new Socket("127.0.0.1", port())) {
                    socket.setSoTimeout(100);
                    OutputStream out = socket.getOutputStream();
                    out.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    long start = System.nanoTime();
                    StringBuilder line = new StringBuilder();
                    // One byte every 100 ms, under the idle timeout and far under 1000 bytes a second.
                    for (int i = 0; i < 30 && line.indexOf("\n") < 0; i++) {
                        try {
                            out.write('x');
                        } catch (IOException e) {
                            // answered and closed already: the answer is still there to read
                        }
                        try {
                            for (int c; (c = socket.getInputStream().read()) != -1 && c != '\n'; ) {
                                line.append((char) c);
                            }
                            line.append('\n');
                        } catch (SocketTimeoutException e) {
                            // nothing yet
                        } catch (IOException e) {
                            break; // closed after its answer
                        }
                    }
                    status = line.toString().strip();
                    ms = (System.nanoTime() - start) / 1_000_000;
                }
            }
            assertTrue(status, status.startsWith("HTTP/1.1 408"));
            assertTrue("ended by the rate, not by the idle timeout: " + ms + " ms", ms < 1_500);
        } finally {
            restore(config, slow);
        }
        stillServes();
    }

    @Test
    public void shouldRefuseBodiesPastTheMemoryBudgetWith503() throws Exception {
        register(
                "size",
                r -> CompletableFuture.completedStage(
                        Response.text(Integer.toString(r.body().length()))));
        Map<String, Object> budget = Map.of("max.buffered.bytes", 100_000L);
        org.osgi.service.cm.Configuration config = routerConfig(budget);
        // The server reads the held body when it arrives; until it has, a second body may take the
        // budget first and the held one is refused instead. Such a round is played again, up to
        // five times: the held body must be served in one of them.
        String held = null;
        for (int round = 0; round < 5 && held == null; round++) {
            held = heldBodyRound();
        }
        assertEquals("the held body is served once complete", "HTTP/1.1 200 OK", held);
        try {
            HttpResponse<String> after = send(HttpRequest.newBuilder(URI.create(base() + "/size"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[80_000])));
            assertEquals("the budget is given back", "80000", after.body());
        } finally {
            restore(config, budget);
        }
        stillServes();
    }

    @Test
    public void shouldAnswer400ToAnAbsurdChunkSize() throws Exception {
        String status = raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "fffffffffffffffffffff\r\nx\r\n");
        assertTrue(status, status.startsWith("HTTP/1.1 400"));
        stillServes();
    }

    /** Configures the router and waits until it took the values (they show on its service). */
    private org.osgi.service.cm.Configuration routerConfig(Map<String, Object> values) throws Exception {
        ConfigurationAdmin cm = context.getService(context.getServiceReference(ConfigurationAdmin.class));
        org.osgi.service.cm.Configuration config = cm.getConfiguration("dev.valor.http", "?");
        config.update(new Hashtable<>(values));
        awaitRouter(values, true);
        return config;
    }

    private void restore(org.osgi.service.cm.Configuration config, Map<String, Object> values) throws Exception {
        config.delete();
        awaitRouter(values, false);
    }

    private void awaitRouter(Map<String, Object> values, boolean present) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            ServiceReference<VluginRouter> router = context.getServiceReference(VluginRouter.class);
            if (router != null
                    && values.entrySet().stream()
                            .allMatch(e -> present == e.getValue().equals(router.getProperty(e.getKey())))) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the router did not take " + values);
    }

    @Test
    public void shouldRefuseAFloodWith503AndRecoverAtOnce() throws Exception {
        register(
                "slow",
                r -> CompletableFuture.supplyAsync(
                        () -> Response.text("slow"), CompletableFuture.delayedExecutor(400, TimeUnit.MILLISECONDS)));
        Map<String, Object> four = Map.of("max.in.flight", 4);
        org.osgi.service.cm.Configuration config = routerConfig(four);
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            int refused = 0;
            int served = 0;
            List<HttpResponse<String>> answers = new ArrayList<>();
            while (refused == 0 && System.nanoTime() < deadline) {
                List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    flood.add(HTTP.sendAsync(
                            HttpRequest.newBuilder(URI.create(base() + "/slow")).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                answers.clear();
                for (CompletableFuture<HttpResponse<String>> f : flood) {
                    answers.add(f.get(20, TimeUnit.SECONDS));
                }
                refused = (int)
                        answers.stream().filter(r -> r.statusCode() == 503).count();
                served = (int)
                        answers.stream().filter(r -> r.statusCode() == 200).count();
            }
            assertTrue("some were refused: " + refused, refused > 0);
            assertTrue("the others were served: " + served, served > 0 && refused + served == 20);
            HttpResponse<String> busy = answers.stream()
                    .filter(r -> r.statusCode() == 503)
                    .findFirst()
                    .orElseThrow();
            assertEquals("1", busy.headers().firstValue("retry-after").orElseThrow());
            assertEquals("slow", get("/slow").body()); // at once, when the flood is over
        } finally {
            restore(config, four);
        }
        stillServes();
    }
}
