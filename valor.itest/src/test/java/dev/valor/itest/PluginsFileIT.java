package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.valor.api.plugin.PluginInfo;
import dev.valor.api.plugin.PluginRegistry;
import dev.valor.api.plugin.PluginState;
import dev.valor.api.plugin.PluginType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * A plugins file given at start-up, in the original runtime's format: the example bundles loaded
 * once or several times with their own config, each bad entry reported while the others load, and
 * the registry (service and {@code /_plugins}) telling which is which.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginsFileIT extends ValorTestSupport {

    @Configuration
    public Option[] config() throws IOException {
        Path dir = Files.createTempDirectory("valor-itest-");
        Path file = dir.resolve("plugins.json");
        String withState = dist().resolve("plugins/with_state.jar").toString();
        Files.writeString(
                file,
                "{\"plugins\": [\n"
                        + "  {\"name\": \"hello\", \"type\": \"native\", \"path\": \"hello\"},\n"
                        + "  {\"name\": \"hello_alice\", \"path\": \"with_state\", \"config\": \"Alice\"},\n"
                        + "  {\"name\": \"hello_bob\", \"type\": \"bundle\", \"prefix\": \"/bob/\", \"path\": \""
                        + withState + "\", \"config\": \"Bob\"},\n"
                        + "  {\"name\": \"missing\", \"path\": \"no_such_plugin\"},\n"
                        + "  {\"name\": \"hello_alice\", \"path\": \"with_state\", \"config\": \"Impostor\"},\n"
                        + "  {\"name\": \"clash\", \"prefix\": \"hello\", \"path\": \"hello\"},\n"
                        + "  {\"name\": \"later\", \"type\": \"python\", \"path\": \"later.py\"},\n"
                        + "  {\"name\": \"bad name!\", \"path\": \"hello\"},\n"
                        + "  {\"name\": \"deep\", \"prefix\": \"" + "a/".repeat(20_000) + "a\", \"path\": \"hello\"},\n"
                        + "  {\"name\": \"_health\", \"prefix\": \"h\", \"path\": \"hello\"}\n"
                        + "]}\n");
        return valor(Map.of(
                "valor.plugins.file", file.toString(), "valor.registry.endpoint", "true", "valor.registry.token", "t"));
    }

    @Before
    public void ready() throws Exception {
        awaitReady();
    }

    private PluginRegistry registry() {
        return context.getService(context.getServiceReference(PluginRegistry.class));
    }

    @Test
    public void shouldServeTheExamplePluginsWithTheirOwnConfig() throws Exception {
        assertEquals("OK response from a plugin", get("/hello").body());
        assertEquals("Alice says hello Bob!", get("/hello_alice?who=Bob").body());
        assertEquals("Bob says hello Ann!", get("/bob?who=Ann").body());
        HttpResponse<String> missing = get("/hello_alice");
        assertEquals(400, missing.statusCode());
        assertEquals("Missing buddy to greet", missing.body());
        assertEquals(
                "hello_alice", missing.headers().firstValue("x-valor-plugin").orElseThrow());
    }

    @Test
    public void shouldKeepStatePerPluginInstance() throws Exception {
        long alice1 = greetings("/hello_alice?who=A");
        long bob1 = greetings("/bob?who=B");
        long bob2 = greetings("/bob?who=C");
        long alice2 = greetings("/hello_alice?who=D");
        assertEquals(bob1 + 1, bob2);
        assertEquals("Bob's greetings do not count as Alice's", alice1 + 1, alice2);
    }

    private long greetings(String path) throws Exception {
        return Long.parseLong(get(path).headers().firstValue("x-greetings").orElseThrow());
    }

    @Test
    public void shouldRecordWhatLoadedAndWhyTheOthersFailed() {
        PluginRegistry registry = registry();
        PluginInfo alice = registry.plugin("hello_alice").orElseThrow();
        assertEquals(PluginState.ACTIVE, alice.state());
        assertEquals(PluginType.NATIVE, alice.type());
        assertTrue(alice.source(), alice.source().endsWith("plugins/with_state.jar"));
        assertEquals("bob", registry.plugin("hello_bob").orElseThrow().prefix());

        PluginInfo missing = registry.plugin("missing").orElseThrow();
        assertEquals(PluginState.FAILED, missing.state());
        assertTrue(missing.reason(), missing.reason().startsWith("no native artifact for path 'no_such_plugin'"));

        PluginInfo clash = registry.plugin("clash").orElseThrow();
        assertEquals(PluginState.FAILED, clash.state());
        assertEquals("duplicate prefix 'hello' (already claimed by entry 1)", clash.reason());

        assertTrue(
                "an entry of an unknown type is only reported",
                registry.plugin("later").isEmpty());
    }

    @Test
    public void shouldLogEachBadEntryWithTheFileAndEntry() throws Exception {
        String log = Files.readString(Paths.get(System.getProperty("valor.itest.log")), StandardCharsets.UTF_8);
        assertTrue(log, log.contains("plugins.json: entry 4 (missing): no native artifact for path 'no_such_plugin'"));
        assertTrue(
                log,
                log.contains(
                        "plugins.json: entry 5 (hello_alice): duplicate name 'hello_alice' (already defined by entry 2)"));
        assertTrue(log, log.contains("plugins.json: entry 8 (bad name!): invalid plugin name 'bad name!'"));
        assertTrue(log, log.contains("plugins.json: entry 7 (later): unknown plugin type 'python'"));
        assertTrue(log, log.contains("plugins.json: entry 9 (deep): invalid prefix 'a/a/a/"));
        assertTrue(log, log.contains("longer than 256 characters"));
        assertTrue(log, log.contains("plugins.json: entry 10 (_health): name '_health' is reserved"));
        assertTrue(log, log.contains("Loaded 3 of 10 plugins from"));
    }

    @Test
    public void shouldNotLetADuplicateReplaceTheFirstDefinition() throws Exception {
        assertEquals("Alice says hello X!", get("/hello_alice?who=X").body());
        assertEquals("OK response from a plugin", get("/hello").body());
    }

    private HttpResponse<String> getWithToken(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Bearer t"));
    }

    @Test
    public void shouldListPluginsAtTheRegistryEndpoint() throws Exception {
        HttpResponse<String> list = getWithToken("/_plugins");
        assertEquals(200, list.statusCode());
        String body = list.body();
        assertTrue(body, body.contains("{\"name\":\"hello\",\"prefix\":\"hello\",\"type\":\"native\""));
        assertTrue(body, body.contains("\"name\":\"missing\""));
        assertTrue(
                body, body.contains("\"state\":\"failed\",\"reason\":\"no native artifact for path 'no_such_plugin'"));

        HttpResponse<String> one = getWithToken("/_plugins/hello_bob");
        assertTrue(one.body(), one.body().startsWith("{\"name\":\"hello_bob\",\"prefix\":\"bob\""));
        assertTrue(one.body(), one.body().contains("\"state\":\"active\""));
        assertEquals(404, getWithToken("/_plugins/nobody").statusCode());
        assertEquals(401, get("/_plugins").statusCode());
    }
}
