package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.valor.api.plugin.PluginState;
import dev.valor.itest.fixture.Fixtures;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The Rust kit's examples (examples/wasm/rust, built by the build with Debian's rustc): each
 * answers as its C twin does; config, state, a panic, WAGI and composition as a user sees them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RustIT extends DeployFolderSupport {

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(
                valor(Map.of("valor.state.dir", tempDir("state").toString())),
                systemProperty(Fixtures.DIR).value(Fixtures.build().toString()));
    }

    private static final String GRANT = "\"capabilities\": {\"kv\": [\"default\"]}";

    private void deploy(String plugin, String as, String definition) throws Exception {
        write(as + ".json", definition);
        drop(dist().resolve("plugins/" + plugin), as + ".wasm");
        awaitInfo(as, i -> i.state() == PluginState.ACTIVE);
    }

    private String answer(String path) throws Exception {
        HttpResponse<String> r = get(path);
        return r.statusCode() + " " + r.headers().firstValue("content-type").orElse("") + " " + r.body();
    }

    @Test
    public void helloAnswersAsTheCHelloDoes() throws Exception {
        deploy("hello_rust.wasm", "rhello", "{}");
        deploy("hello.wasm", "chello", "{}");
        for (String path : List.of("", "/any/path?x=1")) {
            assertEquals(answer("/chello" + path), answer("/rhello" + path));
        }
        assertEquals("200 text/plain;charset=utf-8 OK response from a plugin", answer("/rhello"));
    }

    @Test
    public void withStateTakesItsConfigAndCountsInTheStoreAsTheCOneDoes() throws Exception {
        deploy("with_state_rust.wasm", "rstate", "{\"config\": \"Rusty\", " + GRANT + "}");
        deploy("with_state.wasm", "cstate", "{\"config\": \"Rusty\", " + GRANT + "}");
        assertEquals(answer("/cstate"), answer("/rstate"));
        assertEquals("400 text/plain;charset=utf-8 Missing buddy to greet", answer("/rstate"));
        assertEquals(answer("/cstate?who=B%C3%B6b+x"), answer("/rstate?who=B%C3%B6b+x"));
        HttpResponse<String> r = get("/rstate?who=Ann");
        assertEquals("Rusty says hello Ann!", r.body());
        // Both greeted Böb once before, under the same key: one count of Rusty's greetings.
        assertEquals("3", r.headers().firstValue("x-greetings").orElseThrow());
        assertEquals(
                "4", get("/cstate?who=Ann").headers().firstValue("x-greetings").orElseThrow());
    }

    @Test
    public void aPanicIsThatRequestsFiveHundredAndThePluginServesOn() throws Exception {
        deploy("with_state_rust.wasm", "rpanic", "{\"config\": \"P\", \"limits\": {\"instances\": 1}, " + GRANT + "}");
        assertEquals(200, get("/rpanic?who=a").statusCode());
        HttpResponse<String> panicked = get("/rpanic?who=a&panic=1");
        assertEquals(500, panicked.statusCode());
        assertTrue(panicked.body(), panicked.body().contains("\"error\":\"plugin failed\""));
        HttpResponse<String> after = get("/rpanic?who=a");
        assertEquals(200, after.statusCode());
        assertEquals(
                "the count lives in the store, not the instance that panicked",
                "2",
                after.headers().firstValue("x-greetings").orElseThrow());
    }

    @Test
    public void theWagiExampleGetsItsStdinEnvironmentAndQuery() throws Exception {
        deploy("wagi_rust.wasm", "rwagi", "{}");
        HttpResponse<String> r = post("/rwagi/a/b?x=1&y=two", "the body");
        assertEquals(200, r.statusCode());
        assertEquals(
                "Hello from Rust over WAGI\nmethod=POST\npath=/a/b\nquery=x=1&y=two\nargs=x=1,y=two\nbody=the body\n",
                r.body());
    }

    @Test
    public void aRustConsumerCallsARustProviderThroughASocket() throws Exception {
        deploy("shout_rust.wasm", "rshout", "{\"plugs\": [\"shout@1\"]}");
        deploy("shouter_rust.wasm", "rshouter", "{\"sockets\": {\"shout@1\": \"exactly-one\"}}");
        HttpResponse<String> r = get("/rshouter?text=hi+there");
        assertEquals(r.body(), 200, r.statusCode());
        assertEquals("HI THERE", r.body());
        assertEquals("rshout", r.headers().firstValue("x-provider").orElseThrow());
    }
}
