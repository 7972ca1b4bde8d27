package dev.valor.launcher;

import static dev.valor.launcher.RunningDistribution.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A fleet as an operator runs one (docs/fleet.md): a real {@code redis-server}, three nodes started
 * with {@code bin/valor --fleet}, and a real HAProxy in front that checks {@code /_health/ready}.
 * Everything on loopback ports of its own; the tests share the fleet and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetIT {

    private static final String TOKEN = "fleet-test-token";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Path work;
    private Redis redis;
    private final List<Node> nodes = new ArrayList<>();
    private HAProxy haproxy;

    @BeforeAll
    void startTheFleet() throws Exception {
        work = Files.createTempDirectory("valor-fleet-");
        redis = new Redis(work.resolve("redis"), freePort());
        redis.start();
        for (int i = 1; i <= 3; i++) {
            nodes.add(new Node("n" + i, UnpackedDistribution.copy(), freePort(), redis.url()));
        }
        for (Node n : nodes) {
            n.start();
        }
        for (Node n : nodes) {
            n.awaitReady();
        }
        haproxy = new HAProxy(work.resolve("haproxy"), freePort(), freePort(), nodes);
        haproxy.start();
        for (Node n : nodes) {
            haproxy.awaitState(n, "UP");
        }
    }

    @AfterAll
    void stopTheFleet() throws Exception {
        if (haproxy != null) {
            haproxy.stop();
        }
        for (Node n : nodes) {
            n.kill();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    @Order(1)
    void shouldServeAPluginRegisteredOnOneNodeFromEveryNodeWithinASecond() throws Exception {
        String grant = ", \"capabilities\": {\"kv\": [\"default\"]}}";
        // A node's first module is compiled by a JVM that has compiled none yet: measured, bounded loosely.
        long cold = register("first", "{\"name\": \"first\", \"config\": \"First\"" + grant, "with_state.wasm", 5_000);
        // A module new to the fleet: each node compiles it, three nodes on this machine's two cores.
        long newModule =
                register("rusty", "{\"name\": \"rusty\", \"config\": \"Rusty\"" + grant, "with_state_rust.wasm", 5_000);
        // The common case, a plugin of a module the nodes run already: within a second.
        long known = register("one", "{\"name\": \"one\", \"config\": \"One\"" + grant, "with_state.wasm", 1_000);
        awaitAnswer(haproxy.port, "/one?who=a", r -> r.statusCode() == 200, System.nanoTime(), 1_000);
        System.out.printf(
                "FleetIT: registration ack -> 3 nodes serving: fresh nodes %d ms, a new module %d ms, a known module %d ms%n",
                cold, newModule, known);

        HttpResponse<String> removed = send(node(2), "DELETE", "/_plugins/one", null);
        assertEquals(204, removed.statusCode(), removed.body());
        long gone = System.nanoTime();
        for (Node n : nodes) {
            awaitAnswer(n.port, "/one?who=a", r -> r.statusCode() == 404, gone, 1_000);
        }
    }

    @Test
    @Order(2)
    void shouldRefuseABadArtifactOnTheNodeThatTakesItBeforeTheFleetHasIt() throws Exception {
        Path broken = work.resolve("broken.wasm");
        Files.write(broken, new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 42, 42});
        HttpResponse<String> refused =
                uploadFile(node(1), "POST", "/_plugins", "{\"name\": \"bad\"}", broken, "bad.wasm");
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("not a valid WebAssembly module"), refused.body());
        // A change after it reaches every node; the refused one never did.
        assertEquals(
                201,
                upload(node(1), "POST", "/_plugins", "{\"name\": \"after_bad\"}", "hello.wasm")
                        .statusCode());
        for (Node n : nodes) {
            awaitAnswer(n.port, "/after_bad", r -> r.statusCode() == 200, System.nanoTime(), 2_000);
            assertEquals(404, send(n.port, "GET", "/_plugins/bad", null).statusCode(), n.name);
        }
    }

    @Test
    @Order(3)
    void shouldSwapTwentyTimesUnderLoadThroughTheBalancerWithoutAFailedRequest() throws Exception {
        assertEquals(
                201,
                upload(
                                node(1),
                                "POST",
                                "/_plugins",
                                "{\"name\": \"swap\", \"config\": \"V0\", \"capabilities\": {\"kv\": [\"default\"]}}",
                                "with_state.js")
                        .statusCode());
        for (Node n : nodes) { // a node's first script starts its JavaScript engine: seconds on JDK 17
            awaitAnswer(n.port, "/swap?who=x", r -> r.statusCode() == 200, System.nanoTime(), 15_000);
        }
        List<Long> convergence = new ArrayList<>();
        Load load = Load.start(haproxy.port, "/swap?who=x", 8);
        try {
            for (int v = 1; v <= 20; v++) {
                // Alternate the kind too: the same name is a wasm module, then a script.
                String artifact = v % 2 == 0 ? "with_state.wasm" : "with_state.js";
                String config = "V" + v;
                HttpResponse<String> swapped = upload(
                        node(1 + v % 3),
                        "PUT",
                        "/_plugins/swap",
                        "{\"config\": \"" + config + "\", \"capabilities\": {\"kv\": [\"default\"]}}",
                        artifact);
                assertEquals(200, swapped.statusCode(), swapped.body());
                long acknowledged = System.nanoTime();
                Predicate<HttpResponse<String>> isNew = r -> r.body().equals(config + " says hello x!");
                long slowest = 0;
                for (Node n : nodes) {
                    slowest = Math.max(slowest, awaitAnswer(n.port, "/swap?who=x", isNew, acknowledged, 5_000));
                }
                convergence.add(slowest);
            }
        } finally {
            load.stop();
        }
        Collections.sort(convergence);
        System.out.printf(
                "FleetIT: 20 swaps under load: %d requests through HAProxy, %d failed; convergence (ack -> 3 nodes"
                        + " serving) p50 %d ms, max %d ms%n",
                load.done.get(), load.failures.size(), convergence.get(9), convergence.get(19));
        assertTrue(load.done.get() > 100, "the load ran: " + load.done.get());
        assertEquals(List.of(), List.copyOf(load.failures), "no request failed while swapping");
    }

    @Test
    @Order(4)
    void shouldCountExactlyWhenThirtyTwoClientsIncrementThroughTheBalancer() throws Exception {
        String def = "{\"name\": \"counter\", \"config\": \"Count\", \"capabilities\": {\"kv\": [\"default\"]}}";
        assertEquals(
                201,
                upload(node(2), "POST", "/_plugins", def, "with_state.wasm").statusCode());
        for (Node n : nodes) {
            awaitAnswer(n.port, "/counter", r -> r.statusCode() == 400, System.nanoTime(), 2_000);
        }
        AtomicInteger tickets = new AtomicInteger(10_000);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(32);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 32; c++) {
                running.add(clients.submit(() -> {
                    while (tickets.getAndDecrement() > 0) {
                        try {
                            HttpResponse<String> r = get(haproxy.port, "/counter?who=c");
                            if (r.statusCode() != 200) {
                                failures.add(r.statusCode() + " " + r.body());
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }
        assertEquals(List.of(), List.copyOf(failures));
        // The count is the store's: the next greeting, from any node, is the 10,001st.
        for (Node n : nodes) {
            HttpResponse<String> next = get(n.port, "/counter?who=check");
            assertEquals(200, next.statusCode(), next.body());
            int expected = 10_001 + nodes.indexOf(n);
            assertEquals(
                    String.valueOf(expected),
                    next.headers().firstValue("x-greetings").orElse(""),
                    n.name);
        }
    }

    @Test
    @Order(5)
    void shouldTakeAKilledNodeOutAndBackOnlyOnceItRunsTheCurrentSet() throws Exception {
        assertEquals(
                201,
                upload(node(1), "POST", "/_plugins", "{\"name\": \"steady\"}", "hello.wasm")
                        .statusCode());
        for (Node n : nodes) {
            awaitAnswer(n.port, "/steady", r -> r.statusCode() == 200, System.nanoTime(), 2_000);
        }
        Node third = nodes.get(2);
        Load load = Load.start(haproxy.port, "/steady", 8);
        int failedByTheKill;
        try {
            awaitLoad(load, 500);
            third.kill(); // kill -9, requests in flight on it
            haproxy.awaitState(third, "DOWN");
            int atDown = load.failures.size();
            // A change while it is away: it must have it before it says it is ready.
            assertEquals(
                    201,
                    upload(node(1), "POST", "/_plugins", "{\"name\": \"while_away\"}", "hello.wasm")
                            .statusCode());
            int before = load.done.get();
            awaitLoad(load, before + 500);
            assertEquals(atDown, load.failures.size(), "no failure once HAProxy took the node out");
            failedByTheKill = atDown;

            third.start();
            third.awaitReady();
            assertEquals(200, get(third.port, "/while_away").statusCode(), "the current set, at ready");
            haproxy.awaitState(third, "UP");
            long servedBefore = served(third, "steady");
            int now = load.done.get();
            awaitLoad(load, now + 500);
            assertTrue(served(third, "steady") > servedBefore, "traffic reaches the restarted node again");
        } finally {
            load.stop();
        }
        System.out.printf(
                "FleetIT: kill -9 of one node under load (8 clients): %d of %d requests failed%n",
                failedByTheKill, load.done.get());
        assertTrue(failedByTheKill <= 8, "only requests in flight on the killed node fail: " + load.failures);
    }

    @Test
    @Order(6)
    void shouldCatchUpOnChangesMadeWhileANodeWasStopped() throws Exception {
        Node second = nodes.get(1);
        second.stop();
        try {
            assertEquals(
                    201,
                    upload(node(1), "POST", "/_plugins", "{\"name\": \"missed\"}", "hello.wasm")
                            .statusCode());
            assertEquals(
                    204, send(node(3), "DELETE", "/_plugins/after_bad", null).statusCode());
            String steady2 = "{\"config\": \"Steady2\", \"capabilities\": {\"kv\": [\"default\"]}}";
            HttpResponse<String> swapped = upload(node(3), "PUT", "/_plugins/steady", steady2, "with_state.wasm");
            assertEquals(200, swapped.statusCode(), swapped.body());
        } finally {
            second.start();
        }
        second.awaitReady(); // only once it runs the changes it missed
        assertEquals(200, get(second.port, "/missed").statusCode());
        assertEquals(404, get(second.port, "/after_bad").statusCode());
        assertEquals("Steady2 says hello z!", get(second.port, "/steady?who=z").body());
        haproxy.awaitState(second, "UP");
    }

    @Test
    @Order(7)
    void shouldKeepServingWhileRedisRestartsAndTakeRegistrationsAgainAfter() throws Exception {
        Load load = Load.start(haproxy.port, "/missed", 4);
        try {
            awaitLoad(load, 200);
            redis.stop();
            HttpResponse<String> refused = upload(node(1), "POST", "/_plugins", "{\"name\": \"during\"}", "hello.wasm");
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("unreachable"), refused.body());
            int before = load.done.get();
            awaitLoad(load, before + 300); // served while Redis is away
        } finally {
            load.stop();
        }
        assertEquals(List.of(), List.copyOf(load.failures), "served throughout");

        // A node restarted while Redis is away runs the last set it ran, and says it is ready.
        Node third = nodes.get(2);
        third.stop();
        third.start();
        third.awaitReady();
        assertEquals(200, get(third.port, "/missed").statusCode());
        assertEquals(404, get(third.port, "/after_bad").statusCode(), "removed before: not in its last set");

        redis.start();
        HttpResponse<String> taken = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            taken = upload(node(2), "POST", "/_plugins", "{\"name\": \"during\"}", "hello.wasm");
            if (taken.statusCode() != 503) {
                break;
            }
            Thread.sleep(200); // the client's retry, as retry-after tells it
        }
        assertEquals(201, taken.statusCode(), taken.body());
        for (Node n : nodes) {
            awaitAnswer(n.port, "/during", r -> r.statusCode() == 200, System.nanoTime(), 3_000);
        }
        haproxy.awaitState(third, "UP");
    }

    @Test
    @Order(8)
    void shouldStayOutOfTheBalancerWhileItCannotRunTheFleetsSet() throws Exception {
        String clash = "{\"name\": \"clash\", \"prefix\": \"clash\"}";
        assertEquals(
                201, upload(node(1), "POST", "/_plugins", clash, "hello.wasm").statusCode());
        Node third = nodes.get(2);
        third.stop();
        // Its own plugins file claims the fleet plugin's prefix: this node cannot run the fleet's set.
        Path local = Files.writeString(
                third.home.resolve("local.json"),
                "{\"plugins\": [{\"name\": \"mine\", \"prefix\": \"clash\", \"path\": \"hello.wasm\"}]}");
        third.start("-p", local.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String shown = "";
        while (!shown.contains("\"state\":\"failed\"")) {
            assertTrue(System.nanoTime() < deadline, "the node reports the fleet plugin it cannot run: " + shown);
            try {
                shown = send(third.port, "GET", "/_plugins/clash", null).body();
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        assertTrue(shown.contains("prefix 'clash' is already claimed by plugin 'mine'"), shown);
        assertEquals(503, get(third.port, "/_health/ready").statusCode(), "not ready without the fleet's set");
        assertEquals("DOWN", haproxy.stateOf(third));

        // Once the fleet's set is one it can run, it turns ready by itself.
        assertEquals(204, send(node(1), "DELETE", "/_plugins/clash", null).statusCode());
        third.awaitReady();
        haproxy.awaitState(third, "UP");
    }

    // --- helpers ---

    /** Registers on node 1 and waits for every node to answer as configured; the slowest node's ms. */
    private long register(String name, String definition, String plugin, long withinMs) throws Exception {
        HttpResponse<String> created = upload(node(1), "POST", "/_plugins", definition, plugin);
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(created.body().contains("\"from\":\"fleet\""), created.body());
        long acknowledged = System.nanoTime();
        String config = name.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + name.substring(1);
        long slowest = 0;
        for (Node n : nodes) {
            slowest = Math.max(
                    slowest,
                    awaitAnswer(
                            n.port,
                            "/" + name + "?who=a",
                            r -> r.body().equals(config + " says hello a!"),
                            acknowledged,
                            withinMs));
        }
        return slowest;
    }

    private int node(int i) {
        return nodes.get(i - 1).port;
    }

    private static long served(Node n, String plugin) throws Exception {
        String body = send(n.port, "GET", "/_plugins/" + plugin, null).body();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"served\":(\\d+)").matcher(body);
        assertTrue(m.find(), body);
        return Long.parseLong(m.group(1));
    }

    private static void awaitLoad(Load load, int done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (load.done.get() < done) {
            assertTrue(System.nanoTime() < deadline, "the load reached " + done + " requests");
            Thread.sleep(10);
        }
    }

    /**
     * Asks until the answer is the expected one; returns the milliseconds from {@code since}. Fails
     * past {@code withinMs}.
     */
    private static long awaitAnswer(
            int port, String path, Predicate<HttpResponse<String>> expected, long since, long withinMs)
            throws Exception {
        HttpResponse<String> last = null;
        while (true) {
            try {
                last = get(port, path);
                if (expected.test(last)) {
                    return (System.nanoTime() - since) / 1_000_000;
                }
            } catch (IOException e) {
                // not answering yet
            }
            long ms = (System.nanoTime() - since) / 1_000_000;
            assertTrue(
                    ms <= withinMs,
                    "port " + port + path + " answered as expected within " + withinMs + " ms; last: "
                            + (last == null ? "none" : last.statusCode() + " " + last.body()));
            Thread.sleep(5);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return send(port, "GET", path, null);
    }

    private static HttpResponse<String> send(int port, String method, String path, String body) throws Exception {
        return RunningDistribution.send(port, method, path, body, TOKEN);
    }

    /** A registration with the artifact uploaded beside it, as {@code curl -F} sends one. */
    private HttpResponse<String> upload(int port, String method, String path, String definition, String plugin)
            throws Exception {
        return uploadFile(
                port,
                method,
                path,
                definition,
                UnpackedDistribution.DIST.resolve("plugins").resolve(plugin),
                plugin);
    }

    private static HttpResponse<String> uploadFile(
            int port, String method, String path, String definition, Path artifact, String filename) throws Exception {
        String boundary = "valor-" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"definition\"\r\n"
                        + "Content-Type: application/json\r\n\r\n" + definition + "\r\n--" + boundary
                        + "\r\nContent-Disposition: form-data; name=\"artifact\"; filename=\"" + filename
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(artifact));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Clients asking one path in a loop until stopped; what failed, and how many were answered. */
    private static final class Load {
        final AtomicInteger done = new AtomicInteger();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        static Load start(int port, String path, int clients) {
            Load load = new Load();
            for (int c = 0; c < clients; c++) {
                Thread t = new Thread(() -> {
                    HttpClient own = HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(2))
                            .build();
                    while (load.running.get()) {
                        try {
                            HttpResponse<String> r = own.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                            .timeout(Duration.ofSeconds(10))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 200) {
                                load.failures.add(r.statusCode() + " " + r.body());
                            }
                        } catch (IOException e) {
                            load.failures.add(e.toString());
                        } catch (InterruptedException e) {
                            return;
                        }
                        load.done.incrementAndGet();
                    }
                });
                t.setDaemon(true);
                t.start();
                load.threads.add(t);
            }
            return load;
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(15_000);
            }
        }
    }

    /** One node: a copy of the distribution started with --fleet; its output goes to node.log. */
    private static final class Node {
        final String name;
        final Path home;
        final int port;
        final String fleet;
        private Process process;
        private CompletableFuture<String> ready;

        Node(String name, Path home, int port, String fleet) {
            this.name = name;
            this.home = home;
            this.port = port;
            this.fleet = fleet;
        }

        void start(String... more) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    home.resolve("bin/valor").toString(), "--port", Integer.toString(port), "-w", "--fleet", fleet));
            command.addAll(List.of(more));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true);
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().put("VALOR_REGISTRY_TOKEN", TOKEN);
            process = builder.start();
            ready = new CompletableFuture<>();
            Process p = process;
            CompletableFuture<String> r = ready;
            Path log = home.resolve("node.log");
            Thread copier = new Thread(() -> {
                try (BufferedReader out =
                                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                        PrintWriter file = new PrintWriter(Files.newBufferedWriter(
                                log,
                                StandardCharsets.UTF_8,
                                java.nio.file.StandardOpenOption.CREATE,
                                java.nio.file.StandardOpenOption.APPEND))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        file.println(line);
                        file.flush();
                        if (line.startsWith("Valor serving on ")) {
                            r.complete(line);
                        }
                    }
                } catch (IOException e) {
                    // the process went
                }
                r.complete("ended before it was ready; see " + log);
            });
            copier.setDaemon(true);
            copier.start();
        }

        void awaitReady() throws Exception {
            String line = ready.get(90, TimeUnit.SECONDS);
            assertTrue(line.startsWith("Valor serving on "), name + ": " + line);
        }

        void kill() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }

        void stop() throws InterruptedException {
            process.destroy();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), name + " stopped on SIGTERM");
        }
    }

    /** Debian's redis-server, durable (every write in the append-only file before it is acknowledged). */
    private static final class Redis {
        final Path dir;
        final int port;
        private Process process;

        Redis(Path dir, int port) throws IOException {
            this.dir = Files.createDirectories(dir);
            this.port = port;
        }

        String url() {
            return "redis://127.0.0.1:" + port + "/0";
        }

        void start() throws Exception {
            process = new ProcessBuilder(
                            "redis-server",
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--dir",
                            dir.toString(),
                            "--save",
                            "",
                            "--appendonly",
                            "yes",
                            "--appendfsync",
                            "always")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!"+PONG".equals(ping())) {
                assertTrue(
                        System.nanoTime() < deadline && process.isAlive(),
                        "redis-server started on port " + port + " (scripts/setup.sh installs it)");
                Thread.sleep(20);
            }
        }

        void stop() throws InterruptedException {
            process.destroy(); // SIGTERM: Redis flushes its append-only file and exits
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "redis-server stopped");
        }

        private String ping() {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                s.setSoTimeout(500);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] b = new byte[7];
                int n = in.read(b);
                return n <= 0 ? null : new String(b, 0, n, StandardCharsets.US_ASCII).trim();
            } catch (IOException e) {
                return null;
            }
        }
    }

    /** Debian's HAProxy in front of the nodes, checking each one's readiness every 100 ms. */
    private static final class HAProxy {
        final Path dir;
        final int port;
        final int statsPort;
        private final List<Node> nodes;
        private Process process;

        HAProxy(Path dir, int port, int statsPort, List<Node> nodes) throws IOException {
            this.dir = Files.createDirectories(dir);
            this.port = port;
            this.statsPort = statsPort;
            this.nodes = nodes;
        }

        void start() throws Exception {
            StringBuilder cfg = new StringBuilder(String.join(
                    "\n",
                    "global",
                    "  maxconn 2048",
                    "defaults",
                    "  mode http",
                    "  timeout connect 1s",
                    "  timeout client 30s",
                    "  timeout server 30s",
                    "  retries 3",
                    "  option redispatch",
                    "frontend valor",
                    "  bind 127.0.0.1:" + port,
                    "  default_backend nodes",
                    "listen stats",
                    "  bind 127.0.0.1:" + statsPort,
                    "  stats enable",
                    "  stats uri /stats",
                    "backend nodes",
                    "  balance roundrobin",
                    "  option httpchk GET /_health/ready",
                    "  http-check expect status 200",
                    "  default-server inter 100ms fall 2 rise 2",
                    ""));
            for (Node n : nodes) {
                cfg.append("  server ")
                        .append(n.name)
                        .append(" 127.0.0.1:")
                        .append(n.port)
                        .append(" check\n");
            }
            Path file = dir.resolve("haproxy.cfg");
            Files.writeString(file, cfg.toString());
            process = new ProcessBuilder("/usr/sbin/haproxy", "-db", "-f", file.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("haproxy.log").toFile())
                    .start();
        }

        /** Waits until HAProxy's stats show the node in that state (UP, DOWN). */
        void awaitState(Node node, String state) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String last = "";
            while (System.nanoTime() < deadline) {
                try {
                    last = stateOf(node);
                    if (last.equals(state)) {
                        return;
                    }
                } catch (IOException e) {
                    last = e.toString(); // not listening yet
                }
                Thread.sleep(20);
            }
            throw new AssertionError("HAProxy shows " + node.name + " " + state + "; last: " + last);
        }

        String stateOf(Node node) throws Exception {
            String csv = HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/stats;csv"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            for (String line : csv.split("\n")) {
                String[] f = line.split(",", -1);
                if (f.length > 17 && f[0].equals("nodes") && f[1].equals(node.name)) {
                    return f[17].split(" ")[0];
                }
            }
            return "absent";
        }

        void stop() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
