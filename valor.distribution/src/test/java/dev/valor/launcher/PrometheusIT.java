package dev.valor.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * bin/valor --metrics scraped by a real Prometheus server (Debian's, installed by
 * scripts/setup.sh): what its query API says a plugin served is what the test sent.
 */
class PrometheusIT {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldLetPrometheusCountWhatAPluginServed() throws Exception {
        assertTrue(Files.isExecutable(PROMETHEUS), PROMETHEUS + " is missing: run scripts/setup.sh");
        int port = freePort();
        Process valor = start(
                "--metrics",
                "-p",
                UnpackedDistribution.DIST.resolve("examples/plugins.json").toString(),
                "--port",
                Integer.toString(port));
        Process prometheus = null;
        Path dir = Files.createTempDirectory("valor-prometheus-");
        try {
            assertEquals("Metrics at http://127.0.0.1:" + port + "/_metrics", awaitLine(valor, "Metrics at "));
            for (int i = 0; i < 25; i++) {
                assertEquals(
                        200, get("http://127.0.0.1:" + port + "/hello_wasm").statusCode());
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(400, get("http://127.0.0.1:" + port + "/hello_bob").statusCode());
            }

            int promPort = freePort();
            Path config = Files.writeString(
                    dir.resolve("prometheus.yml"),
                    String.join(
                            "\n",
                            "global:",
                            "  scrape_interval: 1s",
                            "scrape_configs:",
                            "  - job_name: valor",
                            "    metrics_path: /_metrics",
                            "    static_configs:",
                            "      - targets: ['127.0.0.1:" + port + "']",
                            ""));
            prometheus = new ProcessBuilder(
                            PROMETHEUS.toString(),
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + promPort)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();

            String api = "http://127.0.0.1:" + promPort + "/api/v1/query?query=";
            assertEquals(
                    25, awaitValue(api, "valor_http_requests_total{plugin=\"hello_wasm\",kind=\"wasm\",code=\"2xx\"}"));
            assertEquals(
                    3, awaitValue(api, "valor_http_requests_total{plugin=\"hello_bob\",kind=\"native\",code=\"4xx\"}"));
            assertEquals(
                    25,
                    awaitValue(api, "valor_http_request_duration_seconds_count{plugin=\"hello_wasm\",kind=\"wasm\"}"));
            assertEquals(1, awaitValue(api, "up{job=\"valor\"}"), "Prometheus reads the whole exposition");
        } finally {
            if (prometheus != null) {
                prometheus.destroy();
                prometheus.waitFor(10, TimeUnit.SECONDS);
                prometheus.destroyForcibly();
            }
            valor.destroy();
            valor.waitFor(10, TimeUnit.SECONDS);
            valor.destroyForcibly();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]");

    /** Asks Prometheus until the query has a value: its first scrapes take a second or two. */
    private static long awaitValue(String api, String query) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String body = "";
        while (System.nanoTime() < deadline) {
            try {
                body = get(api + URLEncoder.encode(query, StandardCharsets.UTF_8))
                        .body();
                Matcher m = VALUE.matcher(body);
                if (m.find()) {
                    return Math.round(Double.parseDouble(m.group(1)));
                }
            } catch (IOException e) {
                body = e.toString(); // not listening yet
            }
            Thread.sleep(200);
        }
        fail("Prometheus has no value for " + query + ": " + body);
        return -1;
    }

    private static Process start(String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                        UnpackedDistribution.DIST.resolve("bin/valor").toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.command().addAll(List.of(args));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return builder.start();
    }

    /** Reads stdout until a line that starts so, keeping the rest of the output flowing. */
    private static String awaitLine(Process process, String start) throws Exception {
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> found = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith(start)) {
                        return line;
                    }
                }
                return "process ended before it said " + start;
            } catch (IOException e) {
                return e.toString();
            }
        });
        String line = found.get(60, TimeUnit.SECONDS);
        CompletableFuture.runAsync(() -> out.lines().forEach(l -> {}));
        return line;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
