package dev.valor.itest;

import static org.junit.Assert.fail;

import dev.valor.api.plugin.PluginInfo;
import dev.valor.api.plugin.PluginRegistry;
import dev.valor.api.plugin.PluginState;
import dev.valor.itest.fixture.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;

/**
 * For tests that deploy through the deploy folder, as a user does: files copied in under a name
 * the folder ignores and renamed, answers and registry states awaited, the folder emptied after
 * each test.
 */
public abstract class DeployFolderSupport extends ValorTestSupport {

    private static final long WAIT_NANOS = 20_000_000_000L;

    protected Path deploy;
    protected Path fixtures;

    @Before
    public void ready() throws Exception {
        awaitReady();
        deploy = Paths.get(context.getProperty("valor.deploy.dir"));
        fixtures = Paths.get(System.getProperty(Fixtures.DIR));
    }

    @After
    public void emptyTheFolder() throws Exception {
        try (Stream<Path> files = Files.list(deploy)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        // A test that leaves a slow deploy behind (a start that runs to its deadline) must not
        // reach into the next: wait until the folder's plugins are all gone, or say so.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (registry().plugins().stream().anyMatch(p -> !p.name().startsWith("_"))) {
            if (System.nanoTime() > deadline) {
                fail("the deploy folder was emptied, but the registry still lists "
                        + registry().plugins());
            }
            Thread.sleep(10);
        }
    }

    protected PluginRegistry registry() {
        return context.getService(context.getServiceReference(PluginRegistry.class));
    }

    /** Deploys a fixture under a name. */
    protected void drop(String fixture, String as) throws IOException {
        drop(fixtures.resolve(fixture), as);
    }

    /** Deploys a file under a name: copied in under a name the folder ignores, then renamed. */
    protected void drop(Path source, String as) throws IOException {
        Path temp = deploy.resolve("." + as + ".part");
        Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, deploy.resolve(as), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    protected void write(String name, String content) throws IOException {
        Path temp = deploy.resolve("." + name + ".part");
        Files.writeString(temp, content);
        Files.move(temp, deploy.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    protected HttpResponse<String> awaitBody(String path, String body) throws Exception {
        long deadline = System.nanoTime() + WAIT_NANOS;
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = get(path);
            if (last.statusCode() == 200 && last.body().equals(body)) {
                return last;
            }
            Thread.sleep(10);
        }
        fail(path + " answered " + last.statusCode() + " " + last.body() + " instead of " + body);
        return last;
    }

    protected PluginInfo awaitInfo(String name, Predicate<PluginInfo> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT_NANOS;
        Optional<PluginInfo> info = Optional.empty();
        while (System.nanoTime() < deadline) {
            info = registry().plugin(name);
            if (info.isPresent() && condition.test(info.get())) {
                return info.get();
            }
            Thread.sleep(10);
        }
        fail("registry shows " + info + " for " + name);
        return null;
    }

    /** Deploys the distribution's hello.js as {@code name}.js with this definition; the reason it fails. */
    protected String refusedHello(String name, String definitionJson) throws Exception {
        write(name + ".json", definitionJson);
        drop(dist().resolve("plugins/hello.js"), name + ".js");
        return awaitInfo(name, i -> i.state() == PluginState.FAILED).reason();
    }

    protected HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base() + path)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    /** Work done while clients call a plugin. */
    @FunctionalInterface
    protected interface Action {
        void run() throws Exception;
    }

    /**
     * Three clients call the path as fast as they can while the action runs (swaps, say); returns
     * every answer the check refused and every failed call, and how many answers there were.
     */
    protected LoadResult underLoad(String path, Predicate<HttpResponse<String>> good, Action action) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> r = get(path);
                        if (!good.test(r)) {
                            bad.add(r.statusCode() + " " + r.body());
                        }
                        answered.incrementAndGet();
                    } catch (Exception e) {
                        bad.add(e.toString());
                    }
                }
            });
            t.start();
            clients.add(t);
        }
        try {
            action.run();
        } finally {
            running.set(false);
            for (Thread t : clients) {
                t.join(10_000);
            }
        }
        return new LoadResult(answered.get(), List.copyOf(bad));
    }

    /** What clients saw during {@link #underLoad}. */
    protected record LoadResult(int answered, List<String> bad) {}

    /** Waits until the path answers 200 with a body the check accepts. */
    protected void awaitAnswer(String path, Predicate<String> body) throws Exception {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(path);
            if (r.statusCode() == 200 && body.test(r.body())) {
                return;
            }
            Thread.sleep(5);
        }
        fail(path + " never gave the expected answer");
    }

    /** Runs a Gogo command as the shell would and returns what it printed. */
    protected Object shell(String command) throws Exception {
        CommandProcessor processor = context.getService(context.getServiceReference(CommandProcessor.class));
        try (CommandSession session =
                processor.createSession(new ByteArrayInputStream(new byte[0]), System.out, System.err)) {
            return session.execute(command);
        }
    }
}
