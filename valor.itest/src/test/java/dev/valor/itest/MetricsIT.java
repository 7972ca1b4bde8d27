package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.valor.api.plugin.PluginState;
import dev.valor.itest.fixture.Fixtures;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.function.DoublePredicate;
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

/**
 * {@code /_metrics} with metrics on (and a token, as beyond loopback): what a scrape shows after
 * requests, cuts, failures and deploys of real plugins.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MetricsIT extends DeployFolderSupport {

    private static final String TOKEN = "scrape-token";

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(
                valor(Map.of(
                        "valor.metrics",
                        "true",
                        "valor.metrics.token",
                        TOKEN,
                        "valor.state.dir",
                        tempDir("state").toString())),
                systemProperty(Fixtures.DIR).value(Fixtures.build().toString()));
    }

    @Test
    public void shouldCountEachPluginsRequestsByStatusClassWithTheirDurations() throws Exception {
        drop(dist().resolve("plugins/hello.js"), "counted.js");
        awaitBody("/counted", "OK response from a plugin");
        String requests = "valor_http_requests_total{code=\"2xx\",kind=\"js\",plugin=\"counted\"}";
        String durations = "valor_http_request_duration_seconds_count{kind=\"js\",plugin=\"counted\"}";
        double before = awaitValue(requests, v -> v >= 1);
        double durationsBefore = value(scrape(), durations);
        for (int i = 0; i < 7; i++) {
            assertEquals(200, get("/counted").statusCode());
        }
        assertEquals(before + 7, awaitValue(requests, v -> v >= before + 7), 0);
        String text = scrape();
        assertEquals(durationsBefore + 7, value(text, durations), 0);
        assertEquals(0, value(text, "valor_http_requests_in_flight{kind=\"js\",plugin=\"counted\"}"), 0);
        assertTrue(value(text, "valor_plugin_instances{kind=\"js\",plugin=\"counted\"}") >= 1);
        assertEquals(0, value(text, "valor_plugin_instances_busy{kind=\"js\",plugin=\"counted\"}"), 0);
        // A hello answers well within the first bucket's 0.5 ms... or at least within a second.
        assertEquals(
                durationsBefore + 7,
                value(text, "valor_http_request_duration_seconds_bucket{kind=\"js\",plugin=\"counted\",le=\"1.0\"}"),
                0);
    }

    @Test
    public void shouldCountDeadlineCutsMemoryCutsAndFailuresApart() throws Exception {
        write("spins.json", "{\"limits\": {\"timeout_ms\": 300}}");
        drop("loop.js", "spins.js");
        drop("throws.js", "fails.js");
        write("hoards.json", "{\"limits\": {\"memory_mb\": 32}}");
        drop("bomb.js", "hoards.js");
        awaitInfo("spins", i -> i.state() == PluginState.ACTIVE);
        awaitInfo("fails", i -> i.state() == PluginState.ACTIVE);
        awaitInfo("hoards", i -> i.state() == PluginState.ACTIVE);

        assertEquals(504, get("/spins").statusCode());
        assertEquals(500, get("/fails/sync").statusCode());
        assertEquals(500, get("/fails/async").statusCode());
        assertEquals(500, get("/hoards").statusCode());

        awaitValue("valor_plugin_deadline_cuts_total{kind=\"js\",plugin=\"spins\"}", v -> v == 1);
        awaitValue("valor_http_requests_total{code=\"5xx\",kind=\"js\",plugin=\"spins\"}", v -> v == 1);
        awaitValue("valor_plugin_errors_total{kind=\"js\",plugin=\"fails\"}", v -> v == 2);
        awaitValue("valor_plugin_memory_cuts_total{kind=\"js\",plugin=\"hoards\"}", v -> v == 1);
        String text = scrape();
        assertEquals(0, value(text, "valor_plugin_deadline_cuts_total{kind=\"js\",plugin=\"fails\"}"), 0);
        assertEquals(0, value(text, "valor_plugin_memory_cuts_total{kind=\"js\",plugin=\"fails\"}"), 0);
        assertEquals(0, value(text, "valor_plugin_errors_total{kind=\"js\",plugin=\"spins\"}"), 0);
    }

    @Test
    public void shouldCountDeploysSwapsAndFailedDeploys() throws Exception {
        drop(dist().resolve("plugins/hello.js"), "versions.js");
        awaitBody("/versions", "OK response from a plugin");
        drop("async.js", "versions.js");
        awaitValue("valor_plugin_deploys_total{kind=\"js\",plugin=\"versions\",result=\"swapped\"}", v -> v == 1);
        drop("broken.js", "versions.js");
        awaitValue("valor_plugin_deploys_total{kind=\"js\",plugin=\"versions\",result=\"failed\"}", v -> v == 1);
        String text = scrape();
        assertEquals(
                1, value(text, "valor_plugin_deploys_total{kind=\"js\",plugin=\"versions\",result=\"deployed\"}"), 0);
        assertEquals(200, get("/versions").statusCode()); // the bad update left the good version serving
    }

    @Test
    public void shouldShowTheJvm() throws Exception {
        String text = scrape();
        assertTrue(value(text, "jvm_memory_used_bytes{area=\"heap\"}") > 0);
        assertTrue(value(text, "jvm_threads_current") > 0);
        assertTrue(text, text.contains("jvm_gc_collection_seconds_count{"));
    }

    @Test
    public void shouldAskForTheTokenAndOnlyBeRead() throws Exception {
        HttpResponse<String> none = get("/_metrics");
        assertEquals(401, none.statusCode());
        assertEquals(
                "Bearer realm=\"valor\"",
                none.headers().firstValue("www-authenticate").orElseThrow());
        HttpResponse<String> wrong = send(HttpRequest.newBuilder(URI.create(base() + "/_metrics"))
                .header("authorization", "Bearer " + TOKEN + "x"));
        assertEquals(401, wrong.statusCode());
        HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create(base() + "/_metrics"))
                .header("authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(405, post.statusCode());
        HttpResponse<String> ok = send(
                HttpRequest.newBuilder(URI.create(base() + "/_metrics")).header("authorization", "Bearer " + TOKEN));
        assertEquals(200, ok.statusCode());
        assertTrue(
                ok.headers().firstValue("content-type").orElseThrow(),
                ok.headers().firstValue("content-type").orElseThrow().startsWith("text/plain; version=0.0.4"));
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = send(
                HttpRequest.newBuilder(URI.create(base() + "/_metrics")).header("authorization", "Bearer " + TOKEN));
        assertEquals(r.body(), 200, r.statusCode());
        return r.body();
    }

    /** The series' value in the scrape, or fails when it is not there. */
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(text);
        if (!m.find()) {
            fail("no " + series + " in\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    /** Scrapes until the series is there with a value that passes: an answer is counted once it is sent. */
    private double awaitValue(String series, DoublePredicate condition) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String text = scrape();
        while (System.nanoTime() < deadline) {
            if (text.contains(series + " ")) {
                double v = value(text, series);
                if (condition.test(v)) {
                    return v;
                }
            }
            Thread.sleep(20);
            text = scrape();
        }
        fail("no value of " + series + " that passes in\n" + text);
        return 0;
    }
}
