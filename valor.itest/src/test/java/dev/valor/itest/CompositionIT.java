package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.valor.api.TraceContext;
import dev.valor.api.VluginProperties;
import dev.valor.api.binding.Binding;
import dev.valor.api.binding.Cardinality;
import dev.valor.api.binding.Linker;
import dev.valor.api.binding.Plug;
import dev.valor.api.binding.Result;
import dev.valor.api.binding.Sockets;
import dev.valor.api.plugin.PluginInfo;
import dev.valor.api.plugin.PluginState;
import dev.valor.itest.fixture.Fixtures;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Hashtable;
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
import org.osgi.framework.ServiceRegistration;

/**
 * Plugins composed from plugins: providers plug into text@1 (wasm, JavaScript, Java), consumers
 * call it through sockets of each cardinality; providers come, go and swap while consumers serve.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CompositionIT extends DeployFolderSupport {

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(
                valor(Map.of("valor.state.dir", tempDir("state").toString())),
                systemProperty(Fixtures.DIR).value(Fixtures.build().toString()));
    }

    private void wasmProvider(String name, String extra) throws Exception {
        write(name + ".json", "{\"plugs\": [\"text@1\"]" + extra + "}");
        drop("plug-text.wasm", name + ".wasm");
        awaitInfo(name, i -> i.state() == PluginState.ACTIVE);
    }

    private void jsProvider(String name, String extra) throws Exception {
        write(name + ".json", "{\"plugs\": [\"text@1\"], \"config\": {\"suffix\": \"!\"}" + extra + "}");
        drop("plug-text.js", name + ".js");
        awaitInfo(name, i -> i.state() == PluginState.ACTIVE);
    }

    private void composer(String name, String cardinality) throws Exception {
        write(name + ".json", "{\"sockets\": {\"text@1\": \"" + cardinality + "\"}}");
        drop("composer.js", name + ".js");
        awaitInfo(name, i -> i.state() == PluginState.ACTIVE || i.state() == PluginState.UNSATISFIED);
    }

    @Test
    public void shouldCarryTheConsumersTraceIntoWhatTheProviderFetches() throws Exception {
        drop("trace-echo.js", "traceecho.js");
        write("traceshout.json", "{\"plugs\": [\"shout@1\"]}");
        drop("trace-shout.js", "traceshout.js");
        write("tracejs.json", "{\"sockets\": {\"shout@1\": \"exactly-one\"}}");
        drop("trace-consumer.js", "tracejs.js");
        // The Rust consumer (examples/wasm/rust/shouter): a wasm module's socket call carries it too.
        write("tracewasm.json", "{\"sockets\": {\"shout@1\": \"exactly-one\"}}");
        drop(dist().resolve("plugins/shouter_rust.wasm"), "tracewasm.wasm");
        for (String p : List.of("traceecho", "traceshout", "tracejs", "tracewasm")) {
            awaitInfo(p, i -> i.state() == PluginState.ACTIVE);
        }
        String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        for (String consumer : List.of("/tracejs", "/tracewasm?text=x")) {
            HttpResponse<String> r =
                    send(HttpRequest.newBuilder(URI.create(base() + consumer)).header("traceparent", parent));
            assertEquals(consumer + ": " + r.body(), 200, r.statusCode());
            assertEquals(
                    consumer + ": " + r.body(), "4bf92f3577b34da6a3ce929d0e0e4736", TraceContext.traceId(r.body()));
            assertTrue(
                    consumer + ": a span of its own, not the client's",
                    !r.body().equals(parent));
        }
    }

    @Test
    public void shouldCallTheOneProviderOfAnExactlyOneSocket() throws Exception {
        wasmProvider("text_wasm", "");
        composer("one", "exactly-one");
        HttpResponse<String> r = post("/one/upper", "hello, world");
        assertEquals(200, r.statusCode());
        assertEquals("HELLO, WORLD", r.body());
    }

    @Test
    public void shouldAnswer503NamingTheMissingBindingUntilAProviderComes() throws Exception {
        composer("needy", "exactly-one");
        HttpResponse<String> waiting = post("/needy/upper", "abc");
        assertEquals(503, waiting.statusCode());
        assertTrue(waiting.body(), waiting.body().contains("no plugin provides text@1 (exactly-one)"));
        PluginInfo info = awaitInfo("needy", i -> i.state() == PluginState.UNSATISFIED);
        assertTrue(info.reason(), info.reason().contains("text@1 (exactly-one)"));
        assertTrue(String.valueOf(shell("valor:bindings")).contains("needy exactly-one UNSATISFIED"));

        jsProvider("text_js", "");
        awaitInfo("needy", i -> i.state() == PluginState.ACTIVE);
        HttpResponse<String> served = post("/needy/upper", "abc");
        assertEquals(200, served.statusCode());
        assertEquals("ABC!", served.body());
        String graph = String.valueOf(shell("valor:bindings"));
        assertTrue(
                graph,
                graph.contains("text_js (js)")
                        && graph.contains("needy exactly-one")
                        && !graph.contains("UNSATISFIED"));

        Files.delete(deploy.resolve("text_js.js"));
        awaitStatus("/needy/upper", 503);
        awaitInfo("needy", i -> i.state() == PluginState.UNSATISFIED);
    }

    @Test
    public void shouldNotCountAProviderThatIsNotActiveItself() throws Exception {
        write(
                "middle.json",
                "{\"plugs\": [\"mid@1\"], \"sockets\": {\"low@1\": \"exactly-one\"}, "
                        + "\"config\": {\"plugs\": [\"mid@1\"]}}");
        drop("plug-echo.js", "middle.js");
        write("top.json", "{\"sockets\": {\"mid@1\": \"exactly-one\"}, \"config\": {\"plugs\": []}}");
        drop("plug-echo.js", "top.js");
        awaitInfo("middle", i -> i.state() == PluginState.UNSATISFIED);
        PluginInfo top = awaitInfo("top", i -> i.state() == PluginState.UNSATISFIED);
        assertTrue(top.reason(), top.reason().contains("mid@1 (exactly-one)"));
        assertEquals(503, get("/top").statusCode());

        write("bottom.json", "{\"plugs\": [\"low@1\"], \"config\": {\"plugs\": [\"low@1\"]}}");
        drop("plug-echo.js", "bottom.js");
        awaitInfo("top", i -> i.state() == PluginState.ACTIVE);
        assertEquals("echo", get("/top").body());
    }

    @Test
    public void shouldGiveNoneFromAnAtMostOneSocketWithoutAProvider() throws Exception {
        composer("maybe", "at-most-one");
        awaitInfo("maybe", i -> i.state() == PluginState.ACTIVE);
        assertEquals("none", post("/maybe/upper", "x").body());
        wasmProvider("text_wasm", "");
        assertEquals("X", post("/maybe/upper", "x").body());
    }

    @Test
    public void shouldCallEveryProviderOfAnAnySocketEachWithItsOwnResult() throws Exception {
        composer("all", "any");
        assertEquals("{}", post("/all/upper", "hi").body());
        wasmProvider("text_wasm", "");
        jsProvider("text_js", "");
        assertEquals(
                "{\"text_js\":\"HI!\",\"text_wasm\":\"HI\"}",
                post("/all/upper", "hi").body());
        assertEquals(
                "{\"text_js\":{\"error\":\"js says no\"},\"text_wasm\":{\"error\":\"no such thing\"}}",
                post("/all/fail", "hi").body());
        String trapped = post("/all/trap", "hi").body();
        assertTrue(trapped, trapped.contains("\"text_js\":{\"error\":\"no function 'trap' in text@1\"}"));
        assertTrue(
                trapped,
                trapped.contains("\"text_wasm\":{\"error\":")
                        && trapped.toLowerCase().contains("unreachable"));
        // A provider's failure costs it nothing more: both answer again.
        assertEquals(
                "{\"text_js\":\"OK!\",\"text_wasm\":\"OK\"}",
                post("/all/upper", "ok").body());
    }

    @Test
    public void shouldNeedOneProviderForAnAtLeastOneSocket() throws Exception {
        composer("some", "at-least-one");
        assertEquals(503, post("/some/upper", "a").statusCode());
        jsProvider("text_js", "");
        awaitStatus("/some/later", 200);
        assertEquals("{\"text_js\":\"A\"}", post("/some/later", "a").body());
    }

    @Test
    public void shouldRunEachProviderUnderItsOwnDeadline() throws Exception {
        wasmProvider("slow_wasm", ", \"limits\": {\"timeout_ms\": 300}");
        jsProvider("slow_js", ", \"limits\": {\"timeout_ms\": 300}");
        composer("patient", "any");
        long start = System.nanoTime();
        HttpResponse<String> r = post("/patient/spin", "");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(r.body(), 200, r.statusCode());
        assertTrue(
                r.body(),
                r.body()
                        .contains(
                                "\"slow_js\":{\"error\":\"plugin slow_js (text@1.spin) ran past its 300 ms deadline\"}"));
        assertTrue(
                r.body(),
                r.body()
                        .contains(
                                "\"slow_wasm\":{\"error\":\"plugin slow_wasm (text@1.spin) ran past its 300 ms deadline\"}"));
        assertTrue("the consumer waited " + tookMs + " ms", tookMs < 5_000);
        assertEquals(
                "{\"slow_js\":\"GO!\",\"slow_wasm\":\"GO\"}",
                post("/patient/upper", "go").body());
    }

    @Test
    public void shouldStopAGreedyProviderAloneAtItsOwnMemoryBound() throws Exception {
        wasmProvider("hog_wasm", ", \"limits\": {\"memory_mb\": 2}");
        jsProvider("hog_js", ", \"limits\": {\"memory_mb\": 16}");
        composer("host", "any");
        HttpResponse<String> r = post("/host/grow", "");
        assertEquals(r.body(), 200, r.statusCode());
        assertTrue(
                r.body(),
                r.body().contains("\"hog_js\":{\"error\":\"plugin hog_js (text@1.grow) allocated more than 16 MiB\"}"));
        assertTrue(
                r.body(),
                r.body().contains("\"hog_wasm\":{\"error\":") && r.body().contains("unreachable"));
        assertEquals(
                "{\"hog_js\":\"OK!\",\"hog_wasm\":\"OK\"}",
                post("/host/upper", "ok").body());
    }

    @Test
    public void shouldCallFromWasmToWasmAndToJavaScript() throws Exception {
        write("caller.json", "{\"sockets\": {\"text@1\": \"exactly-one\"}}");
        drop("socket-caller.wasm", "caller.wasm");
        awaitInfo("caller", i -> i.state() == PluginState.UNSATISFIED);
        assertEquals(503, post("/caller", "abc").statusCode());
        wasmProvider("text_wasm", "");
        HttpResponse<String> fromWasm = post("/caller", "abc");
        assertEquals(200, fromWasm.statusCode());
        assertEquals("ABC", fromWasm.body());
        assertEquals("text_wasm", fromWasm.headers().firstValue("x-provider").orElseThrow());

        Files.delete(deploy.resolve("text_wasm.wasm"));
        jsProvider("text_js", "");
        awaitAnswer("/caller", body -> true);
        HttpResponse<String> fromJs = post("/caller", "abc");
        assertEquals("ABC!", fromJs.body());
        assertEquals("text_js", fromJs.headers().firstValue("x-provider").orElseThrow());
    }

    @Test
    public void shouldRefuseAWasmModuleCallingASocketItDidNotDeclare() throws Exception {
        wasmProvider("text_wasm", "");
        drop("socket-caller.wasm", "sneaky.wasm");
        PluginInfo info = awaitInfo("sneaky", i -> i.state() == PluginState.FAILED);
        assertTrue(info.reason(), info.reason().contains("do not grant: text@1.upper"));
        assertEquals(404, get("/sneaky").statusCode());
    }

    @Test
    public void shouldGiveJavaScriptNoSocketItDidNotDeclare() throws Exception {
        wasmProvider("text_wasm", "");
        drop("composer.js", "undeclared.js");
        awaitInfo("undeclared", i -> i.state() == PluginState.ACTIVE);
        HttpResponse<String> r = post("/undeclared/upper", "x");
        assertEquals(501, r.statusCode());
        assertEquals("no socket text@1", r.body());
    }

    @Test
    public void shouldRefuseADependencyCycleNamingIt() throws Exception {
        write(
                "ping.json",
                "{\"plugs\": [\"a@1\"], \"sockets\": {\"b@1\": \"any\"}, \"config\": {\"plugs\": [\"a@1\"]}}");
        drop("plug-echo.js", "ping.js");
        awaitInfo("ping", i -> i.state() == PluginState.ACTIVE);
        write(
                "pong.json",
                "{\"plugs\": [\"b@1\"], \"sockets\": {\"a@1\": \"any\"}, \"config\": {\"plugs\": [\"b@1\"]}}");
        drop("plug-echo.js", "pong.js");
        PluginInfo info = awaitInfo("pong", i -> i.state() == PluginState.FAILED);
        assertEquals("dependency cycle: pong -> a@1 -> ping -> b@1 -> pong", info.reason());
        assertEquals(404, get("/pong").statusCode());

        write(
                "self.json",
                "{\"plugs\": [\"c@1\"], \"sockets\": {\"c@1\": \"any\"}, \"config\": {\"plugs\": [\"c@1\"]}}");
        drop("plug-echo.js", "self.js");
        assertTrue(awaitInfo("self", i -> i.state() == PluginState.FAILED)
                .reason()
                .startsWith("dependency cycle: self -> c@1 -> self"));
    }

    @Test
    public void shouldRefuseAPlugThePluginDoesNotProvide() throws Exception {
        write("liar.json", "{\"plugs\": [\"other@1\"], \"config\": {\"plugs\": []}}");
        drop("plug-echo.js", "liar.js");
        String never = awaitInfo("liar", i -> i.state() == PluginState.FAILED).reason();
        assertTrue(never, never.contains("it plugs into other@1 but never calls valor.plug('other@1', {...})"));
        write("stray.json", "{\"plugs\": [\"other@1\"]}");
        drop("plug-text.js", "stray.js");
        String stray = awaitInfo("stray", i -> i.state() == PluginState.FAILED).reason();
        assertTrue(stray, stray.contains("plug text@1: the definition does not declare it in \"plugs\""));
        write("empty.json", "{\"plugs\": [\"other@1\"]}");
        drop("plug-text.wasm", "empty.wasm");
        String empty = awaitInfo("empty", i -> i.state() == PluginState.FAILED).reason();
        assertTrue(empty, empty.contains("it plugs into other@1 but exports no function of it"));
        write("bad.json", "{\"sockets\": {\"text\": \"any\"}}");
        drop("composer.js", "bad.js");
        String bad = awaitInfo("bad", i -> i.state() == PluginState.FAILED).reason();
        assertTrue(bad, bad.contains("sockets: 'text' is not a binding: write name@major"));
    }

    @Test
    public void shouldLinkJavaPlugsAndJavaConsumers() throws Exception {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Plug.BINDING, "text@1");
        props.put(VluginProperties.NAME, "text_java");
        ServiceRegistration<Plug> java = context.registerService(
                Plug.class,
                (function, input) -> CompletableFuture.completedFuture(
                        ("java " + function + " " + new String(input, StandardCharsets.UTF_8))
                                .getBytes(StandardCharsets.UTF_8)),
                props);
        try {
            wasmProvider("text_wasm", "");
            composer("mixed", "any");
            assertEquals(
                    "{\"text_java\":\"java upper hi\",\"text_wasm\":\"HI\"}",
                    post("/mixed/upper", "hi").body());

            Linker linker = context.getService(context.getServiceReference(Linker.class));
            try (Sockets sockets = linker.link(
                    "java_consumer",
                    Map.of(
                            new Binding("text", 1),
                            Cardinality.AT_LEAST_ONE,
                            new Binding("absent", 1),
                            Cardinality.AT_MOST_ONE))) {
                assertEquals(List.of(), sockets.missing());
                List<Result> results = sockets.socket(Binding.parse("text@1"))
                        .call("upper", "yo".getBytes(StandardCharsets.UTF_8))
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                assertEquals(2, results.size());
                assertEquals("text_java", results.get(0).provider());
                assertEquals("java upper yo", new String(results.get(0).value(), StandardCharsets.UTF_8));
                assertEquals("YO", new String(results.get(1).value(), StandardCharsets.UTF_8));
                assertEquals(
                        List.of(),
                        sockets.socket(Binding.parse("absent@1"))
                                .call("x", new byte[0])
                                .toCompletableFuture()
                                .get(10, TimeUnit.SECONDS));
                assertNull(sockets.socket(Binding.parse("undeclared@1")));
            }
        } finally {
            java.unregister();
        }
        assertEquals("{\"text_wasm\":\"HI\"}", post("/mixed/upper", "hi").body());
    }

    @Test
    public void shouldSwapAProviderUnderLoadWithoutFailingAConsumer() throws Exception {
        write("swapper.json", "{\"plugs\": [\"text@1\"], \"config\": {\"suffix\": \"v0\"}}");
        drop("plug-text.js", "swapper.js");
        awaitInfo("swapper", i -> i.state() == PluginState.ACTIVE);
        composer("steady", "exactly-one");
        awaitStatus("/steady/upper", 200);
        LoadResult load = underLoad(
                "/steady/upper", r -> r.statusCode() == 200 && r.body().matches("v[0-9]+"), () -> {
                    for (int v = 1; v <= 8; v++) {
                        write("swapper.json", "{\"plugs\": [\"text@1\"], \"config\": {\"suffix\": \"v" + v + "\"}}");
                        String expected = "v" + v;
                        awaitAnswer("/steady/upper", expected::equals);
                    }
                });
        assertEquals(List.of(), load.bad());
        assertTrue("only " + load.answered() + " answers", load.answered() > 50);
        assertNotNull(registry().plugin("steady").orElseThrow());
    }
}
