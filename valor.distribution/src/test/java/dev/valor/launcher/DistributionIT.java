package dev.valor.launcher;

import static dev.valor.launcher.RunningDistribution.awaitReadyLine;
import static dev.valor.launcher.RunningDistribution.freePort;
import static dev.valor.launcher.RunningDistribution.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The built distribution, started as a user starts it: bin/valor in its own process. */
class DistributionIT {

    private static final Path DIST = UnpackedDistribution.DIST;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Process start(String... args) throws IOException {
        return start(DIST, args);
    }

    private static Process start(Path dist, String... args) throws IOException {
        return builder(dist, args).start();
    }

    /** bin/valor of the distribution with these arguments, as a user starts it, not started yet. */
    private static ProcessBuilder builder(Path dist, String... args) {
        List<String> command = new ArrayList<>();
        command.add(dist.resolve("bin/valor").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("VALOR_REGISTRY_TOKEN", TOKEN);
        return builder;
    }

    private static final String TOKEN = "dist-test-token";

    private static HttpResponse<String> send(int port, String method, String path, String body) throws Exception {
        return RunningDistribution.send(port, method, path, body, TOKEN);
    }

    private static void stop(Process valor) throws InterruptedException {
        valor.destroy();
        assertTrue(valor.waitFor(10, TimeUnit.SECONDS), "stopped on SIGTERM");
    }

    @Test
    void shouldRestoreTheDeployFolderAndRegisteredPluginsAfterARestart() throws Exception {
        Path dist = UnpackedDistribution.copy();
        Files.copy(dist.resolve("plugins/with_state.jar"), dist.resolve("deploy/dropped.jar"));
        Files.writeString(dist.resolve("deploy/dropped.json"), "{\"config\": \"Dropped\"}");
        int port = freePort();
        Process first = start(dist, "-w", "--port", Integer.toString(port));
        try {
            awaitReadyLine(first);
            assertEquals("200 Dropped says hello a!", get(port, "/dropped?who=a"));
            HttpResponse<String> created = send(
                    port, "POST", "/_plugins", "{\"name\": \"reg\", \"path\": \"with_state\", \"config\": \"Reg\"}");
            assertEquals(201, created.statusCode(), created.body());
            assertEquals("200 Reg says hello x!", get(port, "/reg?who=x"));
        } finally {
            stop(first);
        }
        Process second = start(dist, "-w", "--port", Integer.toString(port));
        try {
            awaitReadyLine(second);
            assertEquals("200 Dropped says hello b!", get(port, "/dropped?who=b"));
            assertEquals("200 Reg says hello y!", get(port, "/reg?who=y"));
            String list = send(port, "GET", "/_plugins", null).body();
            assertEquals(List.of("_health", "_plugins", "_valor", "dropped", "reg"), names(list));
        } finally {
            stop(second);
        }
    }

    @Test
    void shouldLeaveNoHalfInstalledPluginAfterAKillDuringADeploy() throws Exception {
        Path dist = UnpackedDistribution.copy();
        int port = freePort();
        Process first = start(dist, "-w", "--port", Integer.toString(port));
        try {
            awaitReadyLine(first);
            Path temp = dist.resolve("deploy/.incoming.part");
            Files.copy(dist.resolve("plugins/with_state.jar"), temp);
            Files.writeString(dist.resolve("deploy/killed.json"), "{\"config\": \"Killed\"}");
            Files.move(temp, dist.resolve("deploy/killed.jar"), StandardCopyOption.ATOMIC_MOVE);
            Thread.sleep(60); // the folder's poll has seen it: the deploy is under way
        } finally {
            first.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9
        }
        Process second = start(dist, "-w", "--port", Integer.toString(port));
        try {
            awaitReadyLine(second);
            assertEquals("200 Killed says hello z!", get(port, "/killed?who=z"));
            String list = send(port, "GET", "/_plugins", null).body();
            assertEquals(List.of("_health", "_plugins", "_valor", "killed"), names(list));
            assertTrue(list.contains("\"state\":\"active\""), list);
        } finally {
            stop(second);
        }
    }

    @Test
    void shouldLoseNoAcknowledgedWriteToAKillDuringWrites() throws Exception {
        Path dist = UnpackedDistribution.copy();
        String grant = "{\"capabilities\": {\"kv\": [\"default\"]}}";
        Files.copy(dist.resolve("plugins/notes.wasm"), dist.resolve("deploy/notes.wasm"));
        Files.writeString(dist.resolve("deploy/notes.json"), grant);
        int port = freePort();
        // Its access log goes to stderr: thousands of lines that a pipe nobody reads would stall.
        Process first = builder(dist, "--port", Integer.toString(port))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try {
            awaitReadyLine(first);
            // Four writers put notes as fast as they are answered; the kill lands among them.
            // Their own client: its connections die with the process and must not be reused after.
            HttpClient writes = HttpClient.newHttpClient();
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                Thread t = new Thread(() -> {
                    for (int i = 0; writing.get(); i++) {
                        String id = "w" + writer + "-" + i;
                        try {
                            HttpResponse<Void> put = writes.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notes/" + id))
                                            .PUT(HttpRequest.BodyPublishers.ofString("{\"i\":" + i + "}"))
                                            .timeout(Duration.ofSeconds(20))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding());
                            if (put.statusCode() == 200) {
                                acknowledged.add(id);
                            }
                        } catch (Exception e) {
                            return; // the process is gone
                        }
                    }
                });
                t.start();
                writers.add(t);
            }
            long until = System.nanoTime() + 1_500_000_000L;
            while (acknowledged.size() < 200 || System.nanoTime() < until) {
                Thread.sleep(5);
            }
            first.destroyForcibly(); // kill -9, with writes in flight
            writing.set(false);
            for (Thread t : writers) {
                t.join(20_000);
            }
        } finally {
            first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Process second = builder(dist, "--port", Integer.toString(port))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            awaitReadyLine(second);
            List<String> lost = new ArrayList<>();
            for (String id : acknowledged) {
                if (!get(port, "/notes/" + id).startsWith("200 ")) {
                    lost.add(id);
                }
            }
            assertTrue(acknowledged.size() >= 200, acknowledged.size() + " writes");
            assertEquals(List.of(), lost, "of " + acknowledged.size() + " acknowledged writes");
        } finally {
            stop(second);
        }
    }

    @Test
    void shouldBuildPluginsOutsideTheSourceTreeWithTheShippedKits() throws Exception {
        Path dist = UnpackedDistribution.copy();
        Path work = Files.createTempDirectory("valor-kits-");
        // C, as docs/wasm-abi.md says: Debian's clang and the distribution's kits/c/valor.h.
        Files.writeString(
                work.resolve("kitc.c"),
                "#include \"valor.h\"\n"
                        + "int valor_plugin_handle(const valor_request *req) {\n"
                        + "    valor_respond_text(200, \"built with kits/c\", 17);\n"
                        + "    return 0;\n"
                        + "}\n");
        run(
                work,
                "clang",
                "--target=wasm32-wasi",
                "-mexec-model=reactor",
                "-O2",
                "-I",
                dist.resolve("kits/c").toString(),
                "-o",
                dist.resolve("deploy/kitc.wasm").toString(),
                "kitc.c");
        // Rust, as docs/rust-plugins.md says: a crate of its own on kits/rust/valor, Debian's toolchain.
        Path crate = Files.createDirectories(work.resolve("kitrust/src"));
        Files.writeString(
                work.resolve("kitrust/Cargo.toml"),
                "[package]\nname = \"kitrust\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\ncrate-type = [\"cdylib\"]\n\n"
                        + "[dependencies]\nvalor = { path = \"" + dist.resolve("kits/rust/valor") + "\" }\n");
        Files.writeString(
                crate.resolve("lib.rs"),
                "use valor::{vlugin, Request, Response};\n"
                        + "fn on_request(_req: Request) -> Response { Response::text(\"built with kits/rust\") }\n"
                        + "vlugin!(on_request);\n");
        ProcessBuilder cargo = new ProcessBuilder(
                        "/usr/bin/cargo", "build", "--offline", "--release", "--quiet", "--target", "wasm32-wasi")
                .directory(work.resolve("kitrust").toFile())
                .redirectErrorStream(true);
        cargo.environment().put("RUSTC", "/usr/bin/rustc");
        run(cargo);
        Files.copy(
                work.resolve("kitrust/target/wasm32-wasi/release/kitrust.wasm"), dist.resolve("deploy/kitrust.wasm"));
        assertTrue(Files.isRegularFile(dist.resolve("kits/assemblyscript/valor.ts")));
        assertTrue(Files.isRegularFile(dist.resolve("kits/js/valor.d.ts")));
        int port = freePort();
        Process valor = start(dist, "--port", Integer.toString(port));
        try {
            awaitReadyLine(valor);
            assertEquals("200 built with kits/c", get(port, "/kitc"));
            assertEquals("200 built with kits/rust", get(port, "/kitrust"));
        } finally {
            stop(valor);
        }
    }

    private static void run(Path dir, String... command) throws Exception {
        run(new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true));
    }

    private static void run(ProcessBuilder builder) throws Exception {
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), builder.command() + " did not finish");
        assertEquals(0, p.exitValue(), builder.command() + ": " + out);
    }

    private static List<String> names(String registryJson) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\"name\":\"([^\"]+)\"").matcher(registryJson);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** {@code get}, or "down" while nothing answers on the port. */
    private static String getOrDown(int port, String path) throws Exception {
        try {
            return get(port, path);
        } catch (IOException e) {
            return "down";
        }
    }

    @Test
    void shouldSayReadyOnlyOnceTheStartUpPluginsServe() throws Exception {
        Path dir = Files.createTempDirectory("valor-ready-");
        // Its top level runs for 3 s: its start-up deploy holds readiness back that long.
        Path slow = Files.writeString(
                dir.resolve("slow.js"),
                "const end = Date.now() + 3000; while (Date.now() < end) {}\n"
                        + "onmessage = () => postMessage({body: 'slow and ready'});\n");
        Path plugins = Files.writeString(
                dir.resolve("plugins.json"), "{\"plugins\": [{\"name\": \"slow\", \"path\": \"" + slow + "\"}]}");
        int port = freePort();
        Process valor = start("-p", plugins.toString(), "--port", Integer.toString(port));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return awaitReadyLine(valor);
            } catch (Exception e) {
                return e.toString();
            }
        });
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String live;
            while (!(live = getOrDown(port, "/_health/live")).startsWith("200") && System.nanoTime() < deadline) {
                Thread.sleep(20); // the process is starting: nothing listens yet
            }
            assertEquals("200 {\"status\":\"UP\"}", live, "live as soon as the router serves");
            assertEquals(
                    "503 {\"status\":\"DOWN\",\"reason\":\"the start-up deploys are not done\"}",
                    get(port, "/_health/ready"));
            assertFalse(line.isDone(), "the ready line waits for the same readiness");
            assertEquals("Valor serving on http://127.0.0.1:" + port + "/", line.get(60, TimeUnit.SECONDS));
            assertEquals("200 {\"status\":\"UP\"}", get(port, "/_health/ready"));
            assertEquals("200 slow and ready", get(port, "/slow"));
        } finally {
            stop(valor);
        }
    }

    @Test
    void shouldBecomeReadyWithTheOtherPluginsWhenTheJavaScriptEngineCannotStart() throws Exception {
        Path dir = Files.createTempDirectory("valor-no-js-");
        Path plugins = Files.writeString(
                dir.resolve("plugins.json"),
                "{\"plugins\": ["
                        + "{\"name\": \"one_js\", \"path\": \"" + DIST.resolve("plugins/hello.js") + "\"},"
                        + "{\"name\": \"two_js\", \"path\": \"" + DIST.resolve("plugins/handler.mjs") + "\"},"
                        + "{\"name\": \"still_wasm\", \"path\": \"" + DIST.resolve("plugins/hello.wasm") + "\"}]}");
        int port = freePort();
        ProcessBuilder builder = builder(DIST, "-w", "-p", plugins.toString(), "--port", Integer.toString(port));
        // A Truffle that finds no runtime fails its classes' initialisation with an InternalError,
        // as a broken GraalJS install would.
        builder.environment().put("VALOR_JAVA_OPTS", "-Dtruffle.TruffleRuntime=no.such.Runtime");
        Process valor = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertEquals("Valor serving on http://127.0.0.1:" + port + "/", awaitReadyLine(valor));
            assertEquals("200 {\"status\":\"UP\"}", get(port, "/_health/ready"));
            assertEquals("200 OK response from a plugin", get(port, "/still_wasm"));
            assertTrue(get(port, "/one_js").startsWith("404 "), "no JavaScript plugin serves");
            String list = send(port, "GET", "/_plugins", null).body();
            for (String name : List.of("one_js", "two_js")) {
                Matcher entry =
                        Pattern.compile("\\{\"name\":\"" + name + "\"[^}]*}").matcher(list);
                assertTrue(entry.find(), list);
                assertTrue(entry.group().contains("\"state\":\"failed\""), entry.group());
                assertTrue(
                        entry.group()
                                .contains("the JavaScript engine did not start: java.lang.InternalError: "
                                        + "java.lang.ClassNotFoundException: no.such.Runtime"),
                        "each plugin is told the first cause: " + entry.group());
            }
        } finally {
            stop(valor);
        }
    }

    @Test
    void shouldFinishTheRequestsInFlightOnSigtermAndExitZero() throws Exception {
        Path dir = Files.createTempDirectory("valor-drain-");
        Path slow = Files.writeString(
                dir.resolve("slow.js"),
                "onmessage = () => setTimeout(() => postMessage({body: 'slow answer'}), 1500);\n");
        Path plugins = Files.writeString(
                dir.resolve("plugins.json"), "{\"plugins\": [{\"name\": \"slow\", \"path\": \"" + slow + "\"}]}");
        int port = freePort();
        Process valor = start("-p", plugins.toString(), "--port", Integer.toString(port));
        assertEquals("Valor serving on http://127.0.0.1:" + port + "/", awaitReadyLine(valor));
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            inFlight.add(HTTP.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow"))
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(500); // the five are inside the plugin (each answers after 1.5 s)
        valor.destroy(); // SIGTERM: delivered, and its hook run, a moment later
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String after;
        do {
            try {
                after = get(port, "/_health/ready").substring(0, 3);
            } catch (IOException e) {
                after = "refused";
            }
        } while (after.equals("200") && System.nanoTime() < deadline);
        assertTrue(after.equals("503") || after.equals("refused"), "readiness after SIGTERM: " + after);
        boolean refused = false;
        while (!refused && System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                Thread.sleep(20);
            } catch (ConnectException e) {
                refused = true;
            }
        }
        assertTrue(refused, "a new connection is refused once the grace (0 ms by default) is over");
        assertTrue(
                inFlight.stream().anyMatch(f -> !f.isDone()), "refused while the accepted requests are still inside");
        for (CompletableFuture<HttpResponse<String>> r : inFlight) {
            HttpResponse<String> answer = r.get(20, TimeUnit.SECONDS);
            assertEquals("200 slow answer", answer.statusCode() + " " + answer.body(), "accepted before SIGTERM");
        }
        assertTrue(valor.waitFor(20, TimeUnit.SECONDS), "stopped");
        assertEquals(0, valor.exitValue(), "a graceful stop exits 0");
    }

    @Test
    void shouldServeTheExamplesAndStopOnSigterm() throws Exception {
        int port = freePort();
        Process valor = start("-p", DIST.resolve("examples/plugins.json").toString(), "--port", Integer.toString(port));
        try {
            assertEquals("Valor serving on http://127.0.0.1:" + port + "/", awaitReadyLine(valor));
            assertEquals("200 OK response from a plugin", get(port, "/hello"));
            assertEquals("200 Alice says hello Bob!", get(port, "/hello_alice?who=Bob"));
            assertEquals("200 Bob says hello Alice!", get(port, "/hello_bob?who=Alice"));
            assertEquals("400 Missing buddy to greet", get(port, "/hello_bob"));
            assertEquals("200 {\"status\":\"UP\"}", get(port, "/_health"));
            // The WebAssembly examples, compiled from C by the build
            assertEquals("200 OK response from a plugin", get(port, "/hello_wasm"));
            assertEquals("200 OK response from a plugin", get(port, "/hello_as")); // AssemblyScript
            assertEquals("200 Alice says hello Bob!", get(port, "/alice_wasm?who=Bob"));
            assertEquals("400 Missing buddy to greet", get(port, "/alice_wasm"));
            assertEquals("200 Alice says hello Bob!", get(port, "/alice_as?who=Bob")); // AssemblyScript
            assertEquals("200 Alice says hello Bob!", get(port, "/alice_rust?who=Bob")); // Rust
            assertEquals("200 OK response from a plugin", get(port, "/hello_rust"));
            assertEquals("200 HI", get(port, "/shouter_rust?text=hi"));
            // The JavaScript examples
            assertEquals("200 OK response from a plugin", get(port, "/hello_js"));
            assertEquals("200 Alice says hello Bob!", get(port, "/alice_js?who=Bob"));
            assertEquals(
                    "200 {\"method\":\"GET\",\"path\":\"/handler_js/x\",\"echo\":\"\",\"plugin\":\"handler_js\"}",
                    get(port, "/handler_js/x"));
            assertEquals(
                    "200 {\"hello\":\"OK response from a plugin\",\"greeting\":\"Alice says hello Bob!\"}",
                    get(port, "/combine_js?who=Bob"));
            // Composition: a JavaScript page rendered by a wasm markdown@1 provider, told to three audit@1
            // providers, one of each kind
            String page = get(port, "/page");
            assertTrue(page.startsWith("200 <!doctype html>"), page);
            assertTrue(page.contains("<h1>Composed page</h1>") && page.contains("<strong>JavaScript</strong>"), page);
            assertTrue(
                    page.contains("audit@1 providers: 3")
                            && page.contains("<b>audit_js</b>: logged as #")
                            && page.contains("<b>audit_wasm</b>: fnv1a ")
                            && page.contains("<b>audit_java</b>: counted 1 events, "),
                    page);
            assertEquals("200 audit@1 provider (java): 1 events counted", get(port, "/audit_java"));
            String wagi = get(port, "/wagi/a/b?x=1");
            assertTrue(wagi.startsWith("200 hello from WAGI\nmethod=GET path=/a/b query=x=1 route=/wagi\n"), wagi);

            long start = System.nanoTime();
            valor.destroy(); // SIGTERM
            assertTrue(valor.waitFor(5, TimeUnit.SECONDS), "stopped within 5 s of SIGTERM");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 5_000, "stopped in " + ms + " ms");
        } finally {
            valor.destroyForcibly();
        }
    }

    /** A JDK 25 (the JVMCI the shipped Graal compiler speaks): VALOR_TEST_JDK25, else one under /usr/lib/jvm. */
    private static Path jdk25() throws IOException {
        String given = System.getenv("VALOR_TEST_JDK25");
        if (given != null) {
            return Path.of(given);
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (Stream<Path> all = Files.list(jvms)) {
            return all.filter(p -> p.getFileName().toString().matches(".*-25(\\D.*)?")
                            && Files.isExecutable(p.resolve("bin/java")))
                    .sorted()
                    .findFirst()
                    .orElse(null);
        }
    }

    @Test
    void shouldCompileJavaScriptWithTheGraalJitOnJdk25AndStillBoundIt() throws Exception {
        Path jdk = jdk25();
        Assumptions.assumeTrue(jdk != null, "no JDK 25 on this machine");
        Path dist = UnpackedDistribution.copy();
        Files.writeString(dist.resolve("deploy/spin.js"), "self.onmessage = () => { for (;;) {} };\n");
        Files.writeString(dist.resolve("deploy/spin.json"), "{\"limits\": {\"timeout_ms\": 500}}");
        Files.writeString(
                dist.resolve("deploy/hog.js"),
                "self.onmessage = () => { const kept = []; for (;;) kept.push(new Array(100000).fill(7)); };\n");
        Files.writeString(dist.resolve("deploy/hog.json"), "{\"limits\": {\"memory_mb\": 16}}");
        Path log = dist.resolve("valor.log");
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(
                        dist.resolve("bin/valor").toString(),
                        "-p",
                        dist.resolve("examples/plugins.json").toString(),
                        "--port",
                        Integer.toString(port))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(log.toFile());
        builder.environment().put("JAVA_HOME", jdk.toString());
        Process valor = builder.start();
        try {
            awaitReadyLine(valor);
            assertEquals("200 OK response from a plugin", get(port, "/hello_js"));
            assertEquals("200 Alice says hello Bob!", get(port, "/alice_js?who=Bob"));
            assertEquals(
                    "200 {\"method\":\"GET\",\"path\":\"/handler_js/p\",\"echo\":\"\",\"plugin\":\"handler_js\"}",
                    get(port, "/handler_js/p"));
            String page = get(port, "/page");
            assertTrue(page.startsWith("200 <!doctype html>") && page.contains("audit@1 providers: 3"), page);
            String logged = Files.readString(log);
            assertTrue(logged.contains("JavaScript engine ready in") && logged.contains("(GraalVM CE)"), logged);
            // Compiled code is cut at its deadline and its memory bound as the interpreter is.
            for (int i = 0; i < 2; i++) {
                long start = System.nanoTime();
                assertTrue(get(port, "/spin").startsWith("504 "));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms < 3_000, "answered in " + ms + " ms");
                assertTrue(get(port, "/hog").startsWith("500 "));
            }
            assertEquals("200 OK response from a plugin", get(port, "/hello_js"));
        } finally {
            stop(valor);
        }
    }

    @Test
    void shouldRunOnTheNewestInstalledJdkWithoutJavaHomeAndSayWhich() throws Exception {
        Path newest = null;
        int feature = 0;
        try (java.util.stream.Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path jdk : jdks.toList()) {
                Path release = jdk.resolve("release");
                if (Files.isRegularFile(release) && Files.isExecutable(jdk.resolve("bin/java"))) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+)")
                            .matcher(Files.readString(release));
                    if (m.find() && Integer.parseInt(m.group(1)) > feature) {
                        feature = Integer.parseInt(m.group(1));
                        newest = jdk;
                    }
                }
            }
        } catch (IOException e) {
            // no /usr/lib/jvm
        }
        Runtime.Version running = Runtime.version();
        Assumptions.assumeTrue(
                newest != null && feature >= 21 && feature > running.feature(),
                "a JDK 21+ newer than the one running the tests is installed in /usr/lib/jvm");
        // The JDK running the tests first on the PATH, as a user's older default java would be.
        ProcessBuilder builder = builder(DIST, "--help");
        builder.environment().remove("JAVA_HOME");
        builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        Process valor = builder.start();
        assertTrue(valor.waitFor(30, TimeUnit.SECONDS));
        String err = new String(valor.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, valor.exitValue(), err);
        assertTrue(
                err.startsWith("bin/valor: on JDK " + feature + " (" + newest.toRealPath() + ")")
                        || err.startsWith("bin/valor: on JDK " + feature + " (" + newest + ")"),
                err);

        // JAVA_HOME decides when it is given: nothing picked, nothing said.
        Process told = builder(DIST, "--help").start();
        assertTrue(told.waitFor(30, TimeUnit.SECONDS));
        assertTrue(new String(told.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).isEmpty());
    }

    @Test
    void shouldPrintUsageAndExit2ForAnUnknownFlag() throws Exception {
        String err = exit2("--frobnicate");
        assertTrue(err.startsWith("valor: unknown option: --frobnicate"), err);
        assertTrue(
                err.contains("Usage: valor [-p FILE] [-w] [--metrics] [--port N] [--host ADDR] [--deploy DIR]"), err);
    }

    @Test
    void shouldLogOneJsonObjectPerLineWithTheAccessFieldsAsFields() throws Exception {
        int port = freePort();
        Path log = Files.createTempFile("valor-json-", ".log");
        Process valor = builder(
                        DIST,
                        "--log-format",
                        "json",
                        "-p",
                        DIST.resolve("examples/plugins.json").toString(),
                        "--port",
                        Integer.toString(port))
                .redirectError(log.toFile())
                .start();
        try {
            assertEquals("Valor serving on http://127.0.0.1:" + port + "/", awaitReadyLine(valor));
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello?x=1"))
                            .header("x-request-id", "json-log-1")
                            .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
        } finally {
            stop(valor);
        }
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.size() > 5, "the start-up's lines: " + lines);
        Pattern object = Pattern.compile(
                "\\{\"time\":\"\\d{4}-\\d\\d-\\d\\dT[^\"]+Z\",\"level\":\"[A-Z]+\",\"logger\":\"[^\"]+\",\"message\":.*\\}");
        for (String line : lines) {
            assertTrue(object.matcher(line).matches(), "not a JSON log object: " + line);
        }
        String access = lines.stream()
                .filter(l -> l.contains("\"request_id\":\"json-log-1\""))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no access line in " + lines));
        for (String field : List.of(
                "\"logger\":\"valor.access\"",
                "\"message\":\"GET /hello 200\"",
                "\"plugin\":\"hello\"",
                "\"status\":\"200\"",
                "\"method\":\"GET\"",
                "\"path\":\"/hello\"",
                "\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"")) {
            assertTrue(access.contains(field), field + " in " + access);
        }
        assertTrue(access.matches(".*\"ms\":\"\\d+\\.\\d\\d\".*"), access);
        assertTrue(
                lines.get(lines.size() - 1).contains("\"message\":\"Stopped Jetty\""),
                "what the stop logs is logged too: " + lines.get(lines.size() - 1));
    }

    @Test
    void shouldWriteTheAccessLogToStderrWithinAPeriodAndAllOfItByTheStop() throws Exception {
        int port = freePort();
        Path log = Files.createTempFile("valor-text-", ".log");
        Process valor = builder(
                        DIST, "-p", DIST.resolve("examples/plugins.json").toString(), "--port", Integer.toString(port))
                .redirectError(log.toFile())
                .start();
        try {
            assertEquals("Valor serving on http://127.0.0.1:" + port + "/", awaitReadyLine(valor));
            assertEquals(200, getWithId(port, "text-log-1"));
            // Written in batches, flushed by time: there within a few periods while it serves.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!Files.readString(log).contains("id=text-log-1 ") && System.nanoTime() < until) {
                Thread.sleep(BufferedLogs.PERIOD_MS);
            }
            assertTrue(Files.readString(log).contains("plugin=hello status=200 method=GET path=/hello id=text-log-1 "));
            assertEquals(200, getWithId(port, "text-log-last"));
        } finally {
            stop(valor);
        }
        List<String> lines = Files.readAllLines(log);
        assertEquals(
                1, lines.stream().filter(l -> l.contains("id=text-log-last ")).count(), "the last line by the stop");
        assertTrue(lines.get(lines.size() - 1).endsWith("Stopped Jetty"), "and what the stop logs: " + lines);
    }

    private static int getWithId(int port, String requestId) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                                .header("x-request-id", requestId)
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void shouldRefuseAnUnknownLogFormat() throws Exception {
        String err = exit2("--log-format", "xml");
        assertTrue(err.startsWith("valor: --log-format is text or json, not 'xml'"), err);
    }

    /** Runs bin/valor with a bad command line: it exits 2; what it said on stderr. */
    private static String exit2(String... args) throws Exception {
        Process valor = start(args);
        assertTrue(valor.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, valor.exitValue());
        return new String(valor.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldExit2ForABadPort() throws Exception {
        String err = exit2("--port", "http");
        assertTrue(err.startsWith("valor: --port must be a number from 1 to 65535, not 'http'"), err);
    }

    @Test
    void shouldSayInOneLineThatThePortIsInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Process valor = start("--port", Integer.toString(taken.getLocalPort()));
            assertTrue(valor.waitFor(30, TimeUnit.SECONDS));
            String err = new String(valor.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, valor.exitValue());
            assertEquals(
                    "valor: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                            + " (port in use or address not available)",
                    err.strip());
        }
    }

    @Test
    void shouldPrintHelp() throws Exception {
        Process valor = start("--help");
        assertTrue(valor.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, valor.exitValue());
        String out = new String(valor.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.contains("--with-registry"), out);
    }
}
