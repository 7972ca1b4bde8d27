package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.valor.api.plugin.PluginState;
import dev.valor.itest.fixture.Fixtures;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The browser kit at /_valor/: only opted-in serving plugins are offered, by content hash. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BrowserKitIT extends DeployFolderSupport {

    private static final Pattern URL = Pattern.compile("\"name\":\"(\\w+)\"[^}]*\"url\":\"([^\"]+)\"");

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(
                valor(Map.of("valor.state.dir", tempDir("state").toString())),
                systemProperty(Fixtures.DIR).value(Fixtures.build().toString()));
    }

    private String manifest() throws Exception {
        HttpResponse<String> r = get("/_valor/manifest.json");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        return r.body();
    }

    private String urlOf(String name) throws Exception {
        Matcher m = URL.matcher(manifest());
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(2);
            }
        }
        return null;
    }

    @Test
    public void shouldOfferOnlyOptedInPluginsByTheHashOfWhatServes() throws Exception {
        write(
                "offered.json",
                "{\"browser\": true, \"config\": \"Alice\", \"limits\": {\"timeout_ms\": 1500}, \"capabilities\": {\"kv\": [\"default\"]}}");
        drop(dist().resolve("plugins/with_state.js"), "offered.js");
        drop(dist().resolve("plugins/hello.js"), "kept.js");
        awaitInfo("offered", i -> i.state() == PluginState.ACTIVE);
        awaitInfo("kept", i -> i.state() == PluginState.ACTIVE);
        String manifest = manifest();
        assertTrue(manifest, manifest.contains("\"name\":\"offered\",\"prefix\":\"offered\",\"type\":\"js\""));
        assertTrue(manifest, manifest.contains("\"timeout_ms\":1500,\"config\":\"Alice\",\"style\":\"worker\""));
        assertTrue(manifest, !manifest.contains("\"name\":\"kept\""));
        assertTrue(
                "every routed prefix, and nothing else of it: " + manifest,
                manifest.contains("\"routes\":[\"_health\",\"_valor\",\"kept\",\"offered\"]"));
        String url = urlOf("offered");
        HttpResponse<String> file = get(url);
        assertEquals(200, file.statusCode());
        assertEquals(Files.readString(dist().resolve("plugins/with_state.js")), file.body());
        assertTrue(file.headers().firstValue("cache-control").orElse("").contains("immutable"));
        assertEquals(404, get(url.replace("/offered/", "/kept/")).statusCode());
    }

    @Test
    public void shouldChangeThePluginsUrlWhenItIsSwapped() throws Exception {
        write("swapped.json", "{\"browser\": true, \"capabilities\": {\"kv\": [\"default\"]}}");
        drop(dist().resolve("plugins/hello.js"), "swapped.js");
        String version =
                awaitInfo("swapped", i -> i.state() == PluginState.ACTIVE).version();
        String before = urlOf("swapped");
        drop(dist().resolve("plugins/with_state.js"), "swapped.js");
        awaitInfo("swapped", i -> !i.version().equals(version));
        String after = urlOf("swapped");
        assertTrue(before + " then " + after, after != null && !after.equals(before));
        assertEquals("the old version is no longer offered", 404, get(before).statusCode());
    }

    @Test
    public void shouldServeTheKitReadOnly() throws Exception {
        HttpResponse<String> sw = get("/_valor/sw.js");
        assertEquals(200, sw.statusCode());
        assertEquals("/", sw.headers().firstValue("service-worker-allowed").orElse(""));
        assertTrue(get("/_valor/kit.js").body().contains("serviceWorker.register"));
        assertEquals(404, get("/_valor/nothing.js").statusCode());
        HttpResponse<String> post = HTTP.send(
                HttpRequest.newBuilder(URI.create(base() + "/_valor/manifest.json"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }
}
