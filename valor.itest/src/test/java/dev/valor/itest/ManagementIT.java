package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.valor.itest.fixture.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Managing plugins from the Gogo shell ({@code valor:*}) and through the guarded {@code /_plugins} endpoint. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ManagementIT extends ValorTestSupport {

    private static final String TOKEN = "s3cret-token";

    /** The state folder holds what a save cut short by kill -9 leaves: a truncated temporary file. */
    @Configuration
    public Option[] config() throws IOException {
        Path state = tempDir("state");
        Files.writeString(state.resolve(".registered-8412.json"), "{\"plugins\": [{\"na");
        return OptionUtils.combine(
                valor(Map.of(
                        "valor.registry.endpoint",
                        "true",
                        "valor.registry.token",
                        TOKEN,
                        "valor.state.dir",
                        state.toString())),
                systemProperty(Fixtures.DIR).value(Fixtures.build().toString()),
                systemProperty("valor.itest.state").value(state.toString()));
    }

    @Test
    public void shouldRemoveWhatASaveCutShortLeftBehind() throws Exception {
        assertFalse(
                Files.exists(Paths.get(System.getProperty("valor.itest.state")).resolve(".registered-8412.json")));
    }

    private Path fixtures;

    @Before
    public void ready() throws Exception {
        awaitReady();
        fixtures = Paths.get(System.getProperty(Fixtures.DIR));
    }

    private Object shell(String command) throws Exception {
        CommandProcessor processor = context.getService(context.getServiceReference(CommandProcessor.class));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CommandSession session = processor.createSession(
                new ByteArrayInputStream(new byte[0]), new PrintStream(out), new PrintStream(out))) {
            return session.execute(command);
        }
    }

    private String shellError(String command) {
        try {
            Object result = shell(command);
            fail(command + " should fail but gave " + result);
            return null;
        } catch (Exception e) {
            assertTrue(e.getClass().getName(), e instanceof IllegalArgumentException);
            assertFalse("one line: " + e.getMessage(), e.getMessage().contains("\n"));
            return e.getMessage();
        }
    }

    private HttpResponse<String> registry(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    /** A registration with its artifact beside the definition, as {@code curl -F} sends it. */
    private HttpResponse<String> upload(String method, String path, String definition, Path artifact, String filename)
            throws Exception {
        String boundary = "b-" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"definition\"\r\n\r\n" + definition
                        + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"artifact\"; filename=\""
                        + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(artifact));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(base() + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Bearer " + TOKEN));
    }

    @Test
    public void shouldRegisterAndReplaceAPluginUploadedBesideItsDefinition() throws Exception {
        Path hello = dist().resolve("plugins/hello.js");
        HttpResponse<String> created = upload("POST", "/_plugins", "{\"name\": \"uploaded\"}", hello, "hello.js");
        assertEquals(created.body(), 201, created.statusCode());
        assertTrue(created.body(), created.body().contains("\"from\":\"node\""));
        assertEquals("OK response from a plugin", get("/uploaded").body());

        Path greeter = dist().resolve("plugins/with_state.js");
        HttpResponse<String> replaced = upload(
                "PUT",
                "/_plugins/uploaded",
                "{\"config\": \"Up\", \"capabilities\": {\"kv\": [\"default\"]}}",
                greeter,
                "with_state.js");
        assertEquals(replaced.body(), 200, replaced.statusCode());
        assertEquals("Up says hello u!", get("/uploaded?who=u").body());

        HttpResponse<String> both =
                upload("POST", "/_plugins", "{\"name\": \"both\", \"path\": \"hello\"}", hello, "hello.js");
        assertEquals(400, both.statusCode());
        assertTrue(both.body(), both.body().contains("give the artifact or a path, not both"));
        HttpResponse<String> nameless = upload("POST", "/_plugins", "{\"name\": \"nameless\"}", hello, "hello");
        assertEquals(400, nameless.statusCode());
        assertTrue(nameless.body(), nameless.body().contains("needs a file name ending"));
        HttpResponse<String> broken = send(HttpRequest.newBuilder(URI.create(base() + "/_plugins"))
                .POST(HttpRequest.BodyPublishers.ofString("--x\r\nContent-Disposition: form-data; name=\"definition\""))
                .header("Content-Type", "multipart/form-data; boundary=x")
                .header("Authorization", "Bearer " + TOKEN));
        assertEquals(400, broken.statusCode());
        assertTrue(broken.body(), broken.body().contains("malformed"));
        assertEquals(204, registry("DELETE", "/_plugins/uploaded", null, TOKEN).statusCode());
    }

    private Path copy(String fixture, String as) throws Exception {
        Path dir = Files.createTempDirectory("valor-itest-load-");
        return Files.copy(fixtures.resolve(fixture), dir.resolve(as));
    }

    @Test
    public void shouldLoadListCallAndUnloadFromTheShell() throws Exception {
        Path jar = copy(Fixtures.GREETER_V1, "shellgreeter.jar");
        assertEquals("loaded shellgreeter at /shellgreeter (native 1.0.0)", shell("valor:load " + jar));
        assertEquals("v1:", get("/shellgreeter").body());

        String call = (String) shell("valor:call GET '/shellgreeter?x=1'");
        assertTrue(call, call.startsWith("200\n"));
        assertTrue(call, call.contains("x-valor-plugin: shellgreeter\n"));
        assertTrue(call, call.endsWith("\n\nv1:"));

        String list = (String) shell("valor:list");
        assertTrue(list, list.startsWith("NAME"));
        assertTrue(list, list.matches("(?s).*\\nshellgreeter +/shellgreeter +native +1\\.0\\.0 +active +2\\b.*"));

        String info = (String) shell("valor:info shellgreeter");
        assertTrue(info, info.contains("source:  " + jar));
        assertTrue(info, info.contains("state:   active"));

        assertEquals("unloaded shellgreeter", shell("valor:unload shellgreeter"));
        assertEquals(404, get("/shellgreeter").statusCode());
    }

    @Test
    public void shouldLoadADefinitionGivenAsJson() throws Exception {
        Path jar = copy(Fixtures.GREETER_V2, "g.jar");
        assertEquals(
                "loaded jsongreeter at /jg (native 2.0.0)",
                shell("valor:load '{\"name\": \"jsongreeter\", \"prefix\": \"jg\", \"path\": \"" + jar
                        + "\", \"config\": \"from json\"}'"));
        assertEquals("v2:from json", get("/jg").body());
        shell("valor:unload jsongreeter");
    }

    @Test
    public void shouldReloadTheChangedArtifact() throws Exception {
        Path jar = copy(Fixtures.GREETER_V1, "reloaded.jar");
        shell("valor:load " + jar);
        assertEquals("v1:", get("/reloaded").body());
        Files.copy(fixtures.resolve(Fixtures.GREETER_V2), jar, StandardCopyOption.REPLACE_EXISTING);
        assertEquals("reloaded reloaded (native 2.0.0)", shell("valor:reload reloaded"));
        assertEquals("v2:", get("/reloaded").body());
        shell("valor:unload reloaded");
    }

    @Test
    public void shouldSayWhatIsWrongInOneLine() throws Exception {
        assertEquals("no plugin named nope", shellError("valor:info nope"));
        assertEquals("no plugin named nope", shellError("valor:unload nope"));
        assertTrue(shellError("valor:load /no/such/file.jar").startsWith("no such file: /no/such/file.jar"));
        assertTrue(shellError("valor:load '{\"name\": \"x\"'").startsWith("the definition is not valid JSON"));
        String bad = shellError("valor:load " + copy(Fixtures.NOT_A_JAR, "bad.jar"));
        assertTrue(bad, bad.startsWith("not loaded: bad: not a jar"));
        assertEquals(404, get("/bad").statusCode());
        assertTrue(shellError("valor:reload nope").startsWith("reload of nope failed: no plugin named nope"));
        assertTrue(shellError("valor:call GET nowhere").startsWith("the path must start with /"));
    }

    @Test
    public void shouldReplaceARegisteredPluginWithPutWithoutAGap() throws Exception {
        Path v1 = copy(Fixtures.GREETER_V1, "putgreeter-1.jar");
        Path v2 = copy(Fixtures.GREETER_V2, "putgreeter-2.jar");
        HttpResponse<String> created = registry("PUT", "/_plugins/putgreeter", "{\"path\": \"" + v1 + "\"}", TOKEN);
        assertEquals(created.body(), 201, created.statusCode());
        String first = awaitBody200("/putgreeter");
        try {
            // Swaps back and forth under load: every request answered by one version or the other.
            AtomicBoolean calling = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
            AtomicInteger answered = new AtomicInteger();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                Thread t = new Thread(() -> {
                    while (calling.get()) {
                        try {
                            HttpResponse<String> r = get("/putgreeter");
                            if (r.statusCode() != 200) {
                                failed.add(r.statusCode() + " " + r.body());
                            }
                            answered.incrementAndGet();
                        } catch (Exception e) {
                            failed.add(e.toString());
                        }
                    }
                });
                t.start();
                clients.add(t);
            }
            try {
                for (int i = 0; i < 4; i++) {
                    HttpResponse<String> put = registry(
                            "PUT", "/_plugins/putgreeter", "{\"path\": \"" + (i % 2 == 0 ? v2 : v1) + "\"}", TOKEN);
                    assertEquals(put.body(), 200, put.statusCode());
                }
            } finally {
                calling.set(false);
                for (Thread t : clients) {
                    t.join(10_000);
                }
            }
            assertTrue(failed.toString(), failed.isEmpty());
            assertTrue(answered.get() > 0);

            assertEquals("back to the first version", first, get("/putgreeter").body());
            // A bad new version is refused, and the serving one serves on.
            HttpResponse<String> bad = registry(
                    "PUT",
                    "/_plugins/putgreeter",
                    "{\"path\": \"" + fixtures.resolve(Fixtures.NOT_A_JAR) + "\"}",
                    TOKEN);
            assertEquals(bad.body(), 400, bad.statusCode());
            assertEquals(first, get("/putgreeter").body());
            assertEquals(
                    400,
                    registry("PUT", "/_plugins/putgreeter", "{\"name\": \"other\", \"path\": \"" + v1 + "\"}", TOKEN)
                            .statusCode());
        } finally {
            assertEquals(
                    204, registry("DELETE", "/_plugins/putgreeter", null, TOKEN).statusCode());
        }
    }

    @Test
    public void shouldNotUnloadAPluginOfTheDeployFolderThroughTheRegistryOrShell() throws Exception {
        Path deploy = Paths.get(context.getProperty("valor.deploy.dir"));
        Path temp = deploy.resolve(".foldered.part");
        Files.copy(dist().resolve("plugins/hello.js"), temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, deploy.resolve("foldered.js"), StandardCopyOption.ATOMIC_MOVE);
        awaitBody200("/foldered");
        HttpResponse<String> delete = registry("DELETE", "/_plugins/foldered", null, TOKEN);
        assertEquals(delete.body(), 409, delete.statusCode());
        assertTrue(delete.body(), delete.body().contains("comes from the deploy folder"));
        assertTrue(shellError("valor:unload foldered").contains("comes from the deploy folder"));
        HttpResponse<String> put = registry(
                "PUT", "/_plugins/foldered", "{\"path\": \"" + fixtures.resolve(Fixtures.GREETER_V2) + "\"}", TOKEN);
        assertEquals(put.body(), 409, put.statusCode());
        assertEquals(200, get("/foldered").statusCode());
        Files.delete(deploy.resolve("foldered.js")); // where it comes from: there it goes
    }

    private String awaitBody200(String path) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        HttpResponse<String> r;
        do {
            r = get(path);
        } while (r.statusCode() != 200 && System.nanoTime() < deadline);
        assertEquals(r.body(), 200, r.statusCode());
        return r.body();
    }

    @Test
    public void shouldRefuseTheRegistryWithoutTheToken() throws Exception {
        assertEquals(401, registry("GET", "/_plugins", null, null).statusCode());
        assertEquals(401, registry("GET", "/_plugins", null, "wrong").statusCode());
        HttpResponse<String> post = registry(
                "POST",
                "/_plugins",
                "{\"name\": \"sneaky\", \"path\": \"" + fixtures.resolve(Fixtures.GREETER_V1) + "\"}",
                "wrong");
        assertEquals(401, post.statusCode());
        assertEquals(
                "Bearer realm=\"valor\"",
                post.headers().firstValue("www-authenticate").orElseThrow());
        assertEquals(404, get("/sneaky").statusCode());
        assertEquals(200, registry("GET", "/_plugins", null, TOKEN).statusCode());
    }

    @Test
    public void shouldShowThroughTheEndpointWhyAComposedPluginIsNotActive() throws Exception {
        Path js = copy("composer.js", "needy.js");
        HttpResponse<String> created = registry(
                "POST",
                "/_plugins",
                "{\"name\": \"needy\", \"type\": \"js\", \"path\": \"" + js
                        + "\", \"sockets\": {\"text@1\": \"exactly-one\"}}",
                TOKEN);
        assertEquals(created.body(), 201, created.statusCode());
        try {
            HttpResponse<String> info = registry("GET", "/_plugins/needy", null, TOKEN);
            assertTrue(
                    info.body(),
                    info.body().contains("\"state\":\"unsatisfied\"")
                            && info.body().contains("no plugin provides text@1 (exactly-one)"));
            assertEquals(503, get("/needy/upper").statusCode());
        } finally {
            assertEquals(204, registry("DELETE", "/_plugins/needy", null, TOKEN).statusCode());
        }
    }

    @Test
    public void shouldDeployAnotherPluginWhileASlowOneIsStarting() throws Exception {
        // Its valor_init never returns: its deploy takes its whole 4 s start deadline, then fails.
        Path slow = copy("reactor-init-loop.wasm", "slowstart.wasm");
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(base() + "/_plugins"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\": \"slowstart\", \"path\": \"" + slow + "\", \"limits\": {\"timeout_ms\": 4000}}"));
        CompletableFuture<HttpResponse<String>> slowAnswer =
                HTTP.sendAsync(post.build(), HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!registry("GET", "/_plugins/slowstart", null, TOKEN).body().contains("\"state\":\"installing\"")) {
            assertTrue("slowstart never showed as installing", System.nanoTime() < deadline);
            Thread.sleep(20);
        }
        Path quick = copy("reactor-hello.wasm", "quickstart.wasm");
        long start = System.nanoTime();
        HttpResponse<String> created =
                registry("POST", "/_plugins", "{\"name\": \"quickstart\", \"path\": \"" + quick + "\"}", TOKEN);
        long ms = (System.nanoTime() - start) / 1_000_000;
        try {
            assertEquals(created.body(), 201, created.statusCode());
            assertEquals("OK response from a plugin", get("/quickstart").body());
            // Before deploys had a lock per name, this waited for slowstart's whole deploy.
            assertTrue(
                    "slowstart is still starting",
                    registry("GET", "/_plugins/slowstart", null, TOKEN).body().contains("\"state\":\"installing\""));
            assertTrue("deployed in " + ms + " ms", ms < 2_000);
            HttpResponse<String> refused = slowAnswer.get(20, TimeUnit.SECONDS);
            assertEquals(refused.body(), 400, refused.statusCode());
            assertTrue(refused.body(), refused.body().contains("the module did not start within its 4000 ms deadline"));
        } finally {
            registry("DELETE", "/_plugins/quickstart", null, TOKEN);
        }
    }

    @Test
    public void shouldKeepRegistryStateAndRouteInStepWhenRegisterAndUnloadRace() throws Exception {
        Path wasm = copy("reactor-hello.wasm", "racer.wasm");
        Path state = Paths.get(context.getProperty("valor.state.dir"), "registered.json");
        String definition = "{\"name\": \"racer\", \"path\": \"" + wasm + "\"}";
        for (int round = 0; round < 10; round++) {
            HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(base() + "/_plugins"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(definition));
            HttpRequest.Builder delete = HttpRequest.newBuilder(URI.create(base() + "/_plugins/racer"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .DELETE();
            CompletableFuture<HttpResponse<String>> posted =
                    HTTP.sendAsync(post.build(), HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> deleted =
                    HTTP.sendAsync(delete.build(), HttpResponse.BodyHandlers.ofString());
            int created = posted.get(20, TimeUnit.SECONDS).statusCode();
            int removed = deleted.get(20, TimeUnit.SECONDS).statusCode();
            assertTrue("POST " + created, created == 201 || created == 409);
            assertTrue("DELETE " + removed, removed == 204 || removed == 404);
            // Whichever came first, what the registry shows, what is persisted and what serves agree.
            boolean listed = registry("GET", "/_plugins/racer", null, TOKEN).statusCode() == 200;
            boolean persisted = Files.readString(state).contains("\"name\" : \"racer\"");
            assertEquals("round " + round + ": listed " + listed + ", persisted " + persisted, listed, persisted);
            if (listed) {
                assertEquals(
                        204, registry("DELETE", "/_plugins/racer", null, TOKEN).statusCode());
            }
            assertFalse(Files.readString(state).contains("\"name\" : \"racer\""));
        }
    }

    @Test
    public void shouldRegisterAndUnloadThroughTheEndpointAndPersistIt() throws Exception {
        Path jar = copy(Fixtures.GREETER_V1, "posted.jar");
        HttpResponse<String> created = registry(
                "POST",
                "/_plugins",
                "{\"name\": \"posted\", \"prefix\": \"api/posted\", \"path\": \"" + jar + "\", \"config\": {\"a\": 1}}",
                TOKEN);
        assertEquals(created.body(), 201, created.statusCode());
        assertEquals(
                "/_plugins/posted", created.headers().firstValue("location").orElseThrow());
        assertTrue(created.body(), created.body().contains("\"state\":\"active\""));
        assertEquals("v1:{\"a\":1}", get("/api/posted/x").body());

        Path state = Paths.get(context.getProperty("valor.state.dir"), "registered.json");
        assertTrue(Files.readString(state).contains("\"name\" : \"posted\""));

        HttpResponse<String> again =
                registry("POST", "/_plugins", "{\"name\": \"posted\", \"path\": \"" + jar + "\"}", TOKEN);
        assertEquals(409, again.statusCode());
        HttpResponse<String> samePrefix = registry(
                "POST",
                "/_plugins",
                "{\"name\": \"other\", \"prefix\": \"api/posted\", \"path\": \"" + jar + "\"}",
                TOKEN);
        assertEquals(samePrefix.body(), 409, samePrefix.statusCode());
        assertEquals(404, registry("GET", "/_plugins/other", null, TOKEN).statusCode());

        assertEquals(204, registry("DELETE", "/_plugins/posted", null, TOKEN).statusCode());
        assertEquals(404, get("/api/posted/x").statusCode());
        assertFalse(Files.readString(state).contains("posted"));
        assertEquals(404, registry("DELETE", "/_plugins/posted", null, TOKEN).statusCode());
    }

    @Test
    public void shouldRejectBadRegistrationsWithAReason() throws Exception {
        HttpResponse<String> notJson = registry("POST", "/_plugins", "{\"name\": ", TOKEN);
        assertEquals(400, notJson.statusCode());
        assertTrue(notJson.body(), notJson.body().contains("not valid JSON"));
        HttpResponse<String> missing =
                registry("POST", "/_plugins", "{\"name\": \"ghost\", \"path\": \"/no/such.jar\"}", TOKEN);
        assertEquals(400, missing.statusCode());
        assertTrue(missing.body(), missing.body().contains("no native artifact for path '/no/such.jar'"));
        HttpResponse<String> broken = registry(
                "POST",
                "/_plugins",
                "{\"name\": \"broken\", \"path\": \"" + fixtures.resolve(Fixtures.UNRESOLVABLE) + "\"}",
                TOKEN);
        assertEquals(400, broken.statusCode());
        assertTrue(broken.body(), broken.body().contains("cannot start"));
        assertEquals(
                "a refused registration leaves nothing behind",
                404,
                registry("GET", "/_plugins/broken", null, TOKEN).statusCode());
        assertEquals(
                400,
                registry("POST", "/_plugins", "{\"name\": \"_sneaky\", \"path\": \"x.jar\"}", TOKEN)
                        .statusCode());
        assertEquals(405, registry("PUT", "/_plugins", "{}", TOKEN).statusCode());
        HttpResponse<String> climbing =
                registry("POST", "/_plugins", "{\"name\": \"climber\", \"path\": \"../../plugins/hello.jar\"}", TOKEN);
        assertEquals(400, climbing.statusCode());
        assertTrue(climbing.body(), climbing.body().contains("must be absolute or the name of a plugin"));
        HttpResponse<String> secrets = registry(
                "POST",
                "/_plugins",
                "{\"name\": \"environ\", \"type\": \"js\", \"path\": \"/proc/self/environ\"}",
                TOKEN);
        assertEquals(400, secrets.statusCode());
        assertFalse(
                "the file's text stays in the process: " + secrets.body(),
                secrets.body().contains("PATH=") || secrets.body().contains("/usr/"));
        HttpResponse<String> twice =
                registry("POST", "/_plugins", "{\"name\": \"a\", \"name\": \"b\", \"path\": \"hello\"}", TOKEN);
        assertEquals(400, twice.statusCode());
        assertTrue(twice.body(), twice.body().contains("Duplicate field 'name'"));
    }
}
