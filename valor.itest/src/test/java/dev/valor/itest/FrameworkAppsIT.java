package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.valor.api.plugin.PluginState;
import dev.valor.itest.fixture.Fixtures;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Apps written for Workers-style runtimes with popular frameworks (src/test/apps, bundled by the
 * build with esbuild from npm, as their users deploy them) answer every request of a table as
 * they do under Node 20: status, headers (CORS, ETag, cookies), bodies.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FrameworkAppsIT extends DeployFolderSupport {

    /** The folder of the bundled apps (target/apps) and that of their sources and the table. */
    private static final String BUNDLES = "valor.apps";

    private static final String SOURCES = "valor.apps.sources";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(
                valor(Map.of("valor.state.dir", tempDir("state").toString())),
                systemProperty(Fixtures.DIR).value(Fixtures.build().toString()),
                systemProperty(BUNDLES)
                        .value(Paths.get("target", "apps").toAbsolutePath().toString()),
                systemProperty(SOURCES)
                        .value(Paths.get("src", "test", "apps").toAbsolutePath().toString()));
    }

    @Test
    public void shouldAnswerAsUnderNode20AppsBuiltWithHonoAndIttyRouter() throws Exception {
        Path bundles = Paths.get(System.getProperty(BUNDLES));
        Path sources = Paths.get(System.getProperty(SOURCES));
        drop(bundles.resolve("hono-app.mjs"), "hono.mjs");
        drop(bundles.resolve("itty-app.mjs"), "itty.mjs");
        awaitInfo("hono", i -> i.state() == PluginState.ACTIVE);
        awaitInfo("itty", i -> i.state() == PluginState.ACTIVE);
        JsonNode table = JSON.readTree(sources.resolve("requests.json").toFile());
        List<String> compared = JSON.convertValue(
                table.get("compare"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        ArrayNode valor = JSON.createArrayNode();
        for (JsonNode row : table.get("requests")) {
            HttpRequest.Builder b = HttpRequest.newBuilder(
                            URI.create(base() + row.get("path").asText()))
                    .method(
                            row.get("method").asText(),
                            row.has("body")
                                    ? HttpRequest.BodyPublishers.ofString(
                                            row.get("body").asText())
                                    : HttpRequest.BodyPublishers.noBody());
            row.get("headers")
                    .fields()
                    .forEachRemaining(h -> b.header(h.getKey(), h.getValue().asText()));
            if (row.has("etagFrom")) {
                b.setHeader(
                        "if-none-match",
                        valor.get(row.get("etagFrom").asInt())
                                .at("/headers/etag")
                                .asText());
            }
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            ObjectNode answer = valor.addObject().put("status", r.statusCode());
            ObjectNode headers = answer.putObject("headers");
            for (String name : compared) {
                List<String> values = r.headers().allValues(name);
                if (!values.isEmpty()) {
                    headers.put(name, String.join(", ", values));
                }
            }
            answer.put("body", r.body());
        }
        JsonNode node = JSON.readTree(nodeAnswers(sources, bundles));
        // Jetty writes a content type's parameters its own way (text/plain;charset=utf-8): the same
        // media type, spelled otherwise; both sides are compared in that spelling.
        for (JsonNode answers : List.of(node, valor)) {
            for (JsonNode a : answers) {
                ObjectNode h = (ObjectNode) a.get("headers");
                if (h.has("content-type")) {
                    h.put(
                            "content-type",
                            h.get("content-type").asText().replace("; ", ";").toLowerCase());
                }
            }
        }
        assertEquals("one answer a request", node.size(), valor.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode row = table.get("requests").get(i);
            assertEquals(
                    row.get("method").asText() + " " + row.get("path").asText() + " as under Node 20",
                    node.get(i),
                    valor.get(i));
        }
    }

    /** What the same bundles answer under Node 20, by src/test/apps/node-answers.mjs. */
    private static String nodeAnswers(Path sources, Path bundles) throws Exception {
        Process node = new ProcessBuilder(
                        "node", sources.resolve("node-answers.mjs").toString(), bundles.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("node answered in time", node.waitFor(60, TimeUnit.SECONDS));
        assertEquals(out, 0, node.exitValue());
        return out;
    }
}
