package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.valor.api.plugin.PluginInfo;
import dev.valor.api.plugin.PluginState;
import dev.valor.api.plugin.PluginType;
import dev.valor.itest.fixture.Fixtures;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** WebAssembly plugins from the deploy folder: both ABIs, limits, refused modules, swaps. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WasmIT extends DeployFolderSupport {

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(
                valor(Map.of("valor.state.dir", tempDir("state").toString())),
                systemProperty(Fixtures.DIR).value(Fixtures.build().toString()));
    }

    @Test
    public void shouldServeAReactorModuleDroppedIntoTheFolder() throws Exception {
        drop("reactor-hello.wasm", "hellowasm.wasm");
        HttpResponse<String> r = awaitBody("/hellowasm", "OK response from a plugin");
        assertEquals(
                "text/plain;charset=utf-8",
                r.headers().firstValue("content-type").orElseThrow().replace(" ", ""));
        assertEquals("hellowasm", r.headers().firstValue("x-valor-plugin").orElseThrow());
        PluginInfo info = awaitInfo("hellowasm", i -> i.state() == PluginState.ACTIVE);
        assertEquals(PluginType.WASM, info.type());
        assertTrue(info.version(), info.version().startsWith("sha256:"));
    }

    @Test
    public void shouldPassTheRequestHeadAndBodyAcrossTheBoundary() throws Exception {
        drop("reactor-echo.wasm", "echo.wasm");
        awaitInfo("echo", i -> i.state() == PluginState.ACTIVE);
        HttpResponse<String> r = post("/echo/a%20b/c?x=1&y=two", "hello body", "X-Test", "t1", "x-test", "t2");
        assertEquals(200, r.statusCode());
        assertEquals("yes", r.headers().firstValue("x-echo").orElseThrow());
        String body = r.body();
        assertTrue(body, body.startsWith("POST /a%20b/c?x=1&y=two\n"));
        assertTrue(
                body,
                body.toLowerCase().contains("\nx-test: t1\n")
                        && body.toLowerCase().contains("\nx-test: t2\n"));
        assertTrue(body, body.endsWith("\nhello body"));
    }

    @Test
    public void shouldHandTheConfigToAnInstanceOnceAndKeepItsState() throws Exception {
        write("counter.json", "{\"config\": \"Alice\", \"limits\": {\"instances\": 1}}");
        drop("reactor-state.wasm", "counter.wasm");
        awaitInfo("counter", i -> i.state() == PluginState.ACTIVE);
        assertEquals("Alice:1", get("/counter").body());
        assertEquals("Alice:2", get("/counter").body());
        assertEquals("Alice:3", get("/counter").body());
    }

    @Test
    public void shouldServeParallelRequestsFromAPoolOfInstances() throws Exception {
        write("pooled.json", "{\"limits\": {\"instances\": 2}}");
        drop("reactor-hello.wasm", "pooled.wasm");
        awaitInfo("pooled", i -> i.state() == PluginState.ACTIVE);
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            calls.add(HTTP.sendAsync(
                    HttpRequest.newBuilder(URI.create(base() + "/pooled")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> r = call.get(20, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals("OK response from a plugin", r.body());
        }
    }

    @Test
    public void shouldCutAnInfiniteLoopAtItsDeadlineWhileOthersKeepAnswering() throws Exception {
        drop("reactor-hello.wasm", "calm.wasm");
        write("spin.json", "{\"limits\": {\"timeout_ms\": 700, \"instances\": 2}}");
        drop("reactor-loop.wasm", "spin.wasm");
        awaitInfo("spin", i -> i.state() == PluginState.ACTIVE);
        awaitBody("/calm", "OK response from a plugin");
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> spinning = HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create(base() + "/spin")).build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(100);
        for (int i = 0; i < 20; i++) {
            assertEquals("OK response from a plugin", get("/calm").body()); // while the loop runs
        }
        HttpResponse<String> r = spinning.get(10, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, r.statusCode());
        assertTrue("answered after " + ms + " ms", ms >= 650 && ms < 3_000);
        assertEquals(
                "a fresh instance loops again and is cut again",
                504,
                get("/spin").statusCode());
        assertEquals("OK response from a plugin", get("/calm").body());
    }

    @Test
    public void shouldRefuseAModuleThatNeverFinishesStartingAndKeepDeploying() throws Exception {
        write("stuck.json", "{\"limits\": {\"timeout_ms\": 500}}");
        drop("reactor-init-loop.wasm", "stuck.wasm");
        PluginInfo info = awaitInfo("stuck", i -> i.state() == PluginState.FAILED);
        assertEquals("the module did not start within its 500 ms deadline", info.reason());
        drop("reactor-hello.wasm", "after_stuck.wasm");
        awaitBody("/after_stuck", "OK response from a plugin");
        assertEquals(404, get("/stuck").statusCode());
    }

    @Test
    public void shouldFailARequestWhoseMemoryGrowsPastTheLimit() throws Exception {
        write("greedy.json", "{\"limits\": {\"memory_mb\": 32}}");
        drop("reactor-grow.wasm", "greedy.wasm");
        awaitInfo("greedy", i -> i.state() == PluginState.ACTIVE);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        for (int i = 0; i < 5; i++) {
            assertEquals(500, get("/greedy").statusCode());
        }
        System.gc();
        Thread.sleep(200);
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        assertTrue(
                "heap grew from " + before / 1_000_000 + " MB to " + after / 1_000_000 + " MB",
                after < before + 64L * 1024 * 1024);
    }

    @Test
    public void shouldFailRunawayRecursionWithoutHarm() throws Exception {
        drop("reactor-recurse.wasm", "deep.wasm");
        drop("reactor-hello.wasm", "calm2.wasm");
        awaitInfo("deep", i -> i.state() == PluginState.ACTIVE);
        assertEquals(500, get("/deep").statusCode());
        assertEquals(500, get("/deep").statusCode());
        awaitBody("/calm2", "OK response from a plugin");
    }

    @Test
    public void shouldRefuseAModuleImportingWhatIsNotGranted() throws Exception {
        drop("reactor-bad-import.wasm", "sneaky.wasm");
        PluginInfo info = awaitInfo("sneaky", i -> i.state() == PluginState.FAILED);
        assertEquals(
                "the module imports what its capabilities do not grant: env.open_socket, env.system", info.reason());
        assertEquals(404, get("/sneaky").statusCode());
    }

    @Test
    public void shouldRefuseAModuleDeclaringMoreMemoryThanItsLimit() throws Exception {
        drop("reactor-big-memory.wasm", "big.wasm");
        PluginInfo info = awaitInfo("big", i -> i.state() == PluginState.FAILED);
        assertTrue(info.reason(), info.reason().startsWith("the module declares 128 MiB of memory at start"));
    }

    @Test
    public void shouldRefuseModulesTooLargeToCompile() throws Exception {
        drop(Fixtures.HUGE_WASM, "huge.wasm");
        drop(Fixtures.MANY_FUNCTIONS_WASM, "many.wasm");
        assertEquals(
                "the module is 9216 KiB, more than 8 MiB",
                awaitInfo("huge", i -> i.state() == PluginState.FAILED).reason());
        assertEquals(
                "the module defines 50001 functions, more than 50000",
                awaitInfo("many", i -> i.state() == PluginState.FAILED).reason());
    }

    @Test
    public void shouldCountTablesInTheMemoryLimit() throws Exception {
        drop("reactor-big-tables.wasm", "tables.wasm");
        PluginInfo info = awaitInfo("tables", i -> i.state() == PluginState.FAILED);
        assertTrue(info.reason(), info.reason().startsWith("the module's tables may hold 2289 MiB (30 tables"));
        assertEquals(404, get("/tables").statusCode());

        drop("reactor-growable-table.wasm", "growable.wasm");
        info = awaitInfo("growable", i -> i.state() == PluginState.FAILED);
        assertTrue(info.reason(), info.reason().startsWith("the module's tables may hold 77 MiB (1 tables"));
        write("roomy.json", "{\"limits\": {\"memory_mb\": 128}}");
        drop("reactor-growable-table.wasm", "roomy.wasm");
        awaitInfo("roomy", i -> i.state() == PluginState.ACTIVE);
    }

    @Test
    public void shouldKeepTheServingVersionWhenAnUpdateIsNotAModule() throws Exception {
        drop("reactor-hello.wasm", "steady.wasm");
        awaitBody("/steady", "OK response from a plugin");
        for (String bad : new String[] {Fixtures.TRUNCATED_WASM, Fixtures.NOT_WASM}) {
            drop(bad, "steady.wasm");
            PluginInfo info = awaitInfo("steady", i -> !i.reason().isEmpty());
            assertTrue(bad + ": " + info.reason(), info.reason().startsWith("not a valid WebAssembly module"));
            assertEquals(PluginState.ACTIVE, info.state());
            assertEquals("OK response from a plugin", get("/steady").body());
            drop("reactor-hello.wasm", "steady.wasm");
            awaitInfo("steady", i -> i.reason().isEmpty());
        }
    }

    @Test
    public void shouldRunAWagiModuleWithTheBodyOnStdin() throws Exception {
        drop("wagi-echo.wasm", "cgi.wasm");
        awaitInfo("cgi", i -> i.state() == PluginState.ACTIVE);
        HttpResponse<String> r = post("/cgi/some/path?a=1", "ping");
        assertEquals(201, r.statusCode());
        assertEquals("yes", r.headers().firstValue("x-wagi").orElseThrow());
        assertEquals("text/plain", r.headers().firstValue("content-type").orElseThrow());
        assertEquals("stdin:ping", r.body());
    }

    @Test
    public void shouldFetchAnotherPluginInProcessByARelativeUrl() throws Exception {
        drop("reactor-hello.wasm", "target1.wasm");
        write("caller.json", "{\"config\": \"/target1/x\"}");
        drop("reactor-fetch.wasm", "caller.wasm");
        awaitInfo("caller", i -> i.state() == PluginState.ACTIVE);
        awaitBody("/target1", "OK response from a plugin");
        assertEquals("200 OK response from a plugin", get("/caller").body());
    }

    @Test
    public void shouldEndAModuleFetchingItsOwnPrefixAtTheDepthBound() throws Exception {
        write("selfwasm.json", "{\"config\": \"/selfwasm\", \"limits\": {\"instances\": 10}}");
        drop("reactor-fetch.wasm", "selfwasm.wasm");
        awaitInfo("selfwasm", i -> i.state() == PluginState.ACTIVE);
        HttpResponse<String> r = get("/selfwasm");
        assertEquals(200, r.statusCode());
        assertTrue(
                r.body(),
                r.body().startsWith("200 ".repeat(8) + "508 {\"error\":\"in-process calls nested more than 8 deep\""));
        // Counted once answered, a moment after the client has it: the request and its 8 nested calls, no more.
        assertEquals(9, awaitInfo("selfwasm", i -> i.served() >= 9).served());
    }

    @Test
    public void shouldFetchItsOwnOriginInProcessWithoutAGrant() throws Exception {
        // The same rule as JavaScript's: a URL on the calling request's own origin is another plugin's.
        drop("reactor-hello.wasm", "target2.wasm");
        write("origin.json", "{\"config\": \"" + base() + "/target2/x\"}");
        drop("reactor-fetch.wasm", "origin.wasm");
        awaitInfo("origin", i -> i.state() == PluginState.ACTIVE);
        awaitBody("/target2", "OK response from a plugin");
        assertEquals("200 OK response from a plugin", get("/origin").body());
    }

    @Test
    public void shouldFetchOnlyHostsItsCapabilitiesGrant() throws Exception {
        String health = base().replace("127.0.0.1", "localhost") + "/_health"; // another host name: not in-process
        write("outsider.json", "{\"config\": \"" + health + "\"}");
        drop("reactor-fetch.wasm", "outsider.wasm");
        write(
                "granted.json",
                "{\"config\": \"" + health + "\", \"capabilities\": {\"allowed_hosts\": [\"localhost\"]}}");
        drop("reactor-fetch.wasm", "granted.wasm");
        write(
                "ftp.json",
                "{\"config\": \"ftp://127.0.0.1/x\", \"capabilities\": {\"allowed_hosts\": [\"127.0.0.1\"]}}");
        drop("reactor-fetch.wasm", "ftp.wasm");
        for (String n : new String[] {"outsider", "granted", "ftp"}) {
            awaitInfo(n, i -> i.state() == PluginState.ACTIVE);
        }
        HttpResponse<String> refused = get("/outsider");
        assertEquals(502, refused.statusCode());
        assertEquals("-1", refused.body());
        assertEquals("200 {\"status\":\"UP\"}", get("/granted").body());
        assertEquals("-1", get("/ftp").body());
        String log = Files.readString(Paths.get(System.getProperty("valor.itest.log")));
        assertTrue(log.contains("[outsider] fetch refused: host localhost is not in capabilities.allowed_hosts"));
    }

    @Test
    public void shouldReadAGrantedFolderButNeverWriteIt() throws Exception {
        Path data = tempDir("data");
        Files.writeString(data.resolve("hello.txt"), "hello from the host\n");
        Path outside = data.getParent().resolve(data.getFileName() + "-secret.txt");
        Files.writeString(outside, "secret\n");
        write("reader.json", "{\"capabilities\": {\"files\": {\"/data\": \"" + data + "\"}}}");
        drop(dist().resolve("plugins/wagi_files.wasm"), "reader.wasm");
        drop(dist().resolve("plugins/wagi_files.wasm"), "nofiles.wasm"); // no grant
        awaitInfo("reader", i -> i.state() == PluginState.ACTIVE);
        awaitInfo("nofiles", i -> i.state() == PluginState.ACTIVE);
        assertEquals(
                "read /data/hello.txt: hello from the host\nwrite /data/written.txt: refused\n",
                get("/reader").body());
        assertTrue("nothing was written", !Files.exists(data.resolve("written.txt")));
        String escape = "file=../" + outside.getFileName();
        assertTrue(get("/reader?" + escape).body().startsWith("read /data/../" + outside.getFileName() + ": refused"));
        assertTrue(get("/nofiles").body().startsWith("read /data/hello.txt: refused"));

        // Links: one to a file inside is read, one to a file or folder outside is not followed.
        Path elsewhere = tempDir("elsewhere");
        Files.writeString(elsewhere.resolve("secret.txt"), "secret\n");
        Files.createSymbolicLink(data.resolve("alias.txt"), data.resolve("hello.txt"));
        Files.createSymbolicLink(data.resolve("leak.txt"), elsewhere.resolve("secret.txt"));
        Files.createSymbolicLink(data.resolve("etc"), elsewhere);
        assertTrue(
                get("/reader?file=alias.txt").body(),
                get("/reader?file=alias.txt").body().startsWith("read /data/alias.txt: hello from the host"));
        for (String file : new String[] {"leak.txt", "etc/secret.txt"}) {
            String body = get("/reader?file=" + file).body();
            assertTrue(body, body.startsWith("read /data/" + file + ": refused"));
        }
    }

    @Test
    public void shouldFollowAWagiModulesDynamicRoutes() throws Exception {
        drop("wagi-routes.wasm", "routed.wasm");
        awaitInfo("routed", i -> i.state() == PluginState.ACTIVE);
        assertEquals("hello route", get("/routed/hello").body());
        assertEquals("goodbye route", get("/routed/goodbye").body());
        assertEquals("goodbye route", get("/routed/goodbye/and/more").body());
        assertEquals("main entrypoint", get("/routed/other").body());
        assertEquals("main entrypoint", get("/routed/hello/deeper").body());
    }

    @Test
    public void shouldGiveAWagiModuleWagisEnvironmentAndArguments() throws Exception {
        // examples/wasm/c/wagi_hello.c, compiled by the build with wasi-libc
        drop(dist().resolve("plugins/wagi_hello.wasm"), "wagi.wasm");
        awaitInfo("wagi", i -> i.state() == PluginState.ACTIVE);
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + "/wagi/one/two?who=Bob+S&x=%2F"))
                .header("User-Agent", "valor-test")
                .POST(HttpRequest.BodyPublishers.ofString("the body")));
        assertEquals(200, r.statusCode());
        assertEquals("3", r.headers().firstValue("x-wagi-args").orElseThrow());
        assertEquals(
                "hello from WAGI\n"
                        + "method=POST path=/one/two query=who=Bob+S&x=%2F route=/wagi\n"
                        + "argv[0]=/wagi argv[1]=who=Bob S argv[2]=x=/\n"
                        + "user-agent=valor-test\n"
                        + "body=the body\n",
                r.body());
        String log = Files.readString(Paths.get(System.getProperty("valor.itest.log")));
        assertTrue(
                "stderr reaches the log under the plugin's name", log.contains("[wagi] stderr: served POST /one/two"));
    }

    @Test
    public void shouldHotSwapAModuleUnderLoadWithoutAFailedRequest() throws Exception {
        write("swapping.json", "{\"config\": \"Swap\"}");
        drop("reactor-hello.wasm", "swapping.wasm");
        awaitBody("/swapping", "OK response from a plugin");
        LoadResult load = underLoad("/swapping", r -> r.statusCode() == 200, () -> {
            for (int swap = 0; swap < 8; swap++) {
                boolean state = swap % 2 == 0;
                drop(state ? "reactor-state.wasm" : "reactor-hello.wasm", "swapping.wasm");
                awaitAnswer(
                        "/swapping",
                        body -> state ? body.startsWith("Swap:") : body.equals("OK response from a plugin"));
            }
        });
        assertEquals(
                "failed requests during 8 swaps: " + load.bad(), 0, load.bad().size());
    }
}
