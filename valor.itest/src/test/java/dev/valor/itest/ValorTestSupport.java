package dev.valor.itest;

import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.valor.api.plugin.Lifecycle;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;

/**
 * Starts the distribution's own bundles in a real Felix with Jetty on a free loopback port, and
 * talks to it over HTTP like a client would.
 */
public abstract class ValorTestSupport {

    protected static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Inject
    protected BundleContext context;

    /** The container: every bundle of the distribution, plus these framework properties. */
    protected static Option[] valor(Map<String, String> properties) {
        Path dist = dist();
        List<Option> options = new ArrayList<>();
        try (Stream<Path> jars = Files.list(dist.resolve("bundles"))) {
            jars.filter(p -> p.toString().endsWith(".jar"))
                    .sorted()
                    .forEach(p -> options.add(bundle(p.toUri().toString())));
        } catch (IOException e) {
            throw new IllegalStateException("build the distribution first (mvn install): " + e);
        }
        options.add(junitBundles());
        options.add(systemPackages(
                "org.slf4j;version=2.0.17",
                "org.slf4j.spi;version=2.0.17",
                "org.slf4j.event;version=2.0.17",
                "org.slf4j.helpers;version=2.0.17",
                "org.graalvm.polyglot;version=24.2.2",
                "org.graalvm.polyglot.io;version=24.2.2",
                "org.graalvm.polyglot.proxy;version=24.2.2",
                "com.sun.management"));
        options.add(frameworkProperty("org.osgi.service.http.port").value(Integer.toString(freePort())));
        options.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
        options.add(
                frameworkProperty("org.apache.felix.http.jetty.acceptQueueSize").value("1024")); // as conf/ has it
        options.add(frameworkProperty("gosh.args").value("--nointeractive"));
        options.add(frameworkProperty("valor.plugins.dir")
                .value(dist.resolve("plugins").toString()));
        options.add(frameworkProperty("org.osgi.framework.bsnversion").value("multiple"));
        options.add(frameworkProperty("felix.fileinstall.poll").value("50"));
        options.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        options.add(frameworkProperty("felix.fileinstall.subdir.mode").value("skip"));
        options.add(frameworkProperty("felix.fileinstall.enableConfigSave").value("false"));
        options.add(
                frameworkProperty("felix.fileinstall.filter").value("^[^.].*\\.(jar|wasm|js|mjs|json|cfg|config)$"));
        if (!properties.containsKey("valor.deploy.dir")) {
            Path deploy = tempDir("deploy");
            options.add(frameworkProperty("valor.deploy.dir").value(deploy.toString()));
            options.add(frameworkProperty("felix.fileinstall.dir").value(deploy.toString()));
        }
        options.add(systemProperty("valor.dist").value(dist.toString()));
        options.add(
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        options.add(systemProperty("valor.itest.log").value(System.getProperty("valor.itest.log", "")));
        properties.forEach((k, v) -> options.add(frameworkProperty(k).value(v)));
        return options.toArray(Option[]::new);
    }

    protected static Path tempDir(String name) {
        try {
            return Files.createTempDirectory("valor-itest-" + name + "-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static Path dist() {
        return Paths.get(System.getProperty("valor.dist", "../valor.distribution/target/valor"))
                .toAbsolutePath()
                .normalize();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    protected String base() {
        return "http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port");
    }

    protected HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).GET());
    }

    protected HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until start-up loading is over and /_health answers on the real port. */
    protected void awaitReady() throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (startupComplete()) {
                try {
                    if (get("/_health").statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
            }
            Thread.sleep(20);
        }
        fail("Valor did not become ready");
    }

    private boolean startupComplete() throws InvalidSyntaxException {
        return context.getAllServiceReferences(null, Lifecycle.STARTED) != null;
    }

    /** Polls until the path answers the status, for changes that settle asynchronously. */
    protected HttpResponse<String> awaitStatus(String path, int status) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = get(path);
            if (last.statusCode() == status) {
                return last;
            }
            Thread.sleep(10);
        }
        fail(path + " answered " + (last == null ? "nothing" : last.statusCode() + " " + last.body()) + " instead of "
                + status);
        return last;
    }
}
