package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginProperties;
import dev.valor.api.plugin.PluginState;
import dev.valor.itest.fixture.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Plugins of every kind misbehaving at once (blocking, throwing, looping, recursing, allocating)
 * while a well-behaved neighbour is measured: it keeps answering fast, and afterwards no runaway is
 * left running and the heap is back.
 *
 * <p>Client and server share this machine's cores here, which remote clients would not: the
 * neighbour has an HTTP client of its own (sharing the test's one put its selector thread between
 * the neighbour and eight busy loops), and the misbehaving plugins' callers run at the lowest
 * priority, so that what is measured is the runtime's isolation rather than the test's own load.
 * The server's side of their calls runs as it would for anyone.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MisbehavingPluginsIT extends DeployFolderSupport {

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(
                valor(Map.of("valor.state.dir", tempDir("state").toString())),
                systemProperty(Fixtures.DIR).value(Fixtures.build().toString()));
    }

    private ServiceRegistration<Vlugin> register(String name, Vlugin vlugin, long timeoutMs) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(VluginProperties.NAME, name);
        p.put(VluginProperties.TIMEOUT_MS, timeoutMs);
        return context.registerService(Vlugin.class, vlugin, p);
    }

    private static final int CALLS = 1_500;
    /** Windows measured during the misbehaviour: one burst of the machine's own is not the runtime's. */
    private static final int WINDOWS = 3;
    /**
     * A window's least length: past the longest deadline (700 ms) twice, so that every misbehaving
     * plugin's work falls inside it, not only the fast failures' (a quick neighbour ran 1,500 calls
     * in 0.3 s, during which only the thrower answered).
     */
    private static final long WINDOW_NANOS = 2_000_000_000L;

    private final HttpClient neighbourClient =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The neighbour's p99, in microseconds, over sequential calls: at least {@value #CALLS}, and for at least {@code nanos}. */
    private long neighbourP99(long nanos) throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(base() + "/neighbour")).build();
        long[] micros = new long[CALLS];
        int n = 0;
        for (long start = System.nanoTime(); n < CALLS || System.nanoTime() - start < nanos; n++) {
            long begin = System.nanoTime();
            assertEquals(
                    200,
                    neighbourClient
                            .send(request, HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            if (n == micros.length) {
                micros = Arrays.copyOf(micros, 2 * n);
            }
            micros[n] = (System.nanoTime() - begin) / 1_000;
        }
        Arrays.sort(micros, 0, n);
        return micros[(int) Math.ceil(n * 0.99) - 1];
    }

    /** Calls of one misbehaving plugin by its caller: how many were started and how many answered. */
    private static final class Calls {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();

        int[] now() {
            int a = answered.get(); // before started: a call counted answered was counted started
            return new int[] {started.get(), a};
        }

        /** Whether a call of it answered between the two readings, or one ran all the time between them. */
        static boolean busy(int[] before, int[] after) {
            return after[1] > before[1] || (after[0] == before[0] && before[0] > before[1]);
        }
    }

    /** A call as a client elsewhere makes it (a connection of its own, on this thread): its status. */
    private int callFromAfar(String path) throws IOException {
        HttpURLConnection c =
                (HttpURLConnection) URI.create(base() + path).toURL().openConnection();
        c.setReadTimeout(20_000);
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            if (in != null) {
                in.readAllBytes();
            }
        }
        return status;
    }

    @Test
    public void shouldKeepANeighbourFastWhilePluginsOfEveryKindMisbehave() throws Exception {
        List<ServiceRegistration<Vlugin>> java = new ArrayList<>();
        java.add(register("neighbour", r -> CompletableFuture.completedStage(Response.text("fine")), 0));
        java.add(register(
                "blocker",
                r -> {
                    try {
                        Thread.sleep(2_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return CompletableFuture.completedStage(Response.text("late"));
                },
                500));
        java.add(register(
                "thrower",
                r -> {
                    throw new IllegalStateException("boom");
                },
                0));
        write("wloop.json", "{\"limits\": {\"timeout_ms\": 700}}");
        drop("reactor-loop.wasm", "wloop.wasm");
        drop("reactor-recurse.wasm", "wdeep.wasm");
        write("wgreedy.json", "{\"limits\": {\"memory_mb\": 32}}");
        drop("reactor-grow.wasm", "wgreedy.wasm");
        write("jloop.json", "{\"limits\": {\"timeout_ms\": 700}}");
        drop("loop.js", "jloop.js");
        drop("recurse.js", "jdeep.js");
        write("jbomb.json", "{\"limits\": {\"memory_mb\": 32}}");
        drop("bomb.js", "jbomb.js");
        for (String name : new String[] {"wloop", "wdeep", "wgreedy", "jloop", "jdeep", "jbomb"}) {
            awaitInfo(name, i -> i.state() == PluginState.ACTIVE);
        }
        try {
            // warm-up, past the pools' background warming of the plugins just deployed
            for (long end = System.nanoTime() + 4_000_000_000L; System.nanoTime() < end; ) {
                neighbourP99(0);
            }
            long normal = neighbourP99(0);
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long heapBefore = rt.totalMemory() - rt.freeMemory();

            Map<String, Integer> answers = new ConcurrentHashMap<>();
            Map<String, Calls> calls = new LinkedHashMap<>();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> bad = new ArrayList<>();
            for (String path :
                    new String[] {"/blocker", "/thrower", "/wloop", "/wdeep", "/wgreedy", "/jloop", "/jdeep", "/jbomb"
                    }) {
                Calls count = new Calls();
                calls.put(path, count);
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        count.started.incrementAndGet();
                        try {
                            answers.merge(path + " " + callFromAfar(path), 1, Integer::sum);
                        } catch (Exception e) {
                            answers.merge(path + " " + e, 1, Integer::sum);
                        }
                        count.answered.incrementAndGet();
                    }
                });
                t.setPriority(Thread.MIN_PRIORITY);
                t.start();
                bad.add(t);
            }
            long[] windows = new long[WINDOWS];
            int[] misbehaved = new int[WINDOWS];
            try {
                Thread.sleep(3_000); // past the first compilations of the misbehaving code paths
                // Runaway calls past 50 ms, and calls of plugins that misbehaved lately, run at the lowest priority.
                boolean demoted = false;
                for (int i = 0; i < 50 && !demoted; i++) {
                    for (Map.Entry<Thread, StackTraceElement[]> t :
                            Thread.getAllStackTraces().entrySet()) {
                        demoted |= runsPluginCode(t.getValue())
                                && t.getKey().getState() == Thread.State.RUNNABLE
                                && t.getKey().getPriority() == Thread.MIN_PRIORITY;
                    }
                    Thread.sleep(10);
                }
                assertTrue("a runaway plugin call running at the lowest priority", demoted);
                for (int w = 0; w < WINDOWS; w++) {
                    Map<String, int[]> before = new LinkedHashMap<>();
                    calls.forEach((path, c) -> before.put(path, c.now()));
                    windows[w] = neighbourP99(WINDOW_NANOS);
                    int answered = 0;
                    for (Map.Entry<String, Calls> c : calls.entrySet()) {
                        int[] after = c.getValue().now();
                        int[] then = before.get(c.getKey());
                        assertTrue(
                                c.getKey() + " kept misbehaving while the neighbour was measured",
                                Calls.busy(then, after));
                        answered += after[1] - then[1];
                    }
                    assertTrue(
                            "the misbehaving plugins answered while the neighbour was measured: " + answered,
                            answered >= 20);
                    misbehaved[w] = answered;
                }
            } finally {
                running.set(false);
                for (Thread t : bad) {
                    t.join(25_000); // past the client's 20 s read timeout
                }
            }
            System.out.println("neighbour p99: " + normal + " us normally, " + Arrays.toString(windows)
                    + " us in the windows during the misbehaviour (" + Arrays.toString(misbehaved)
                    + " misbehaving calls answered in them)");
            // Never behind a misbehaving call: the shortest deadline here is 500 ms. Typically within 50 ms
            // (the median window): normally under a millisecond, but on two cores shared with the eight
            // callers the allocators' collections and the scheduler's slices cost 5-40 ms a window
            // (docs/reliability.md has the figures); what the priorities buy is asserted on the threads.
            String seen = "neighbour p99 " + Arrays.toString(windows) + " us during the misbehaviour, " + normal
                    + " us normally";
            for (long window : windows) {
                assertTrue(seen, window < 250_000);
            }
            long[] sorted = windows.clone();
            Arrays.sort(sorted);
            assertTrue(seen, sorted[WINDOWS / 2] <= Math.max(3 * normal, 50_000));
            for (String expected : new String[] {
                "/blocker 504",
                "/thrower 500",
                "/wloop 504",
                "/wdeep 500",
                "/wgreedy 500",
                "/jloop 504",
                "/jdeep 500",
                "/jbomb 500"
            }) {
                assertTrue(expected + " in " + answers, answers.containsKey(expected));
            }
            for (String key : answers.keySet()) {
                assertTrue("only the expected answers: " + answers, key.matches("/\\w+ (500|504)"));
            }

            for (Thread t : bad) {
                assertFalse(t.getName() + " (a caller) still runs", t.isAlive());
            }
            Thread.sleep(1_500); // deadlines past, cancelled work unwound
            for (Map.Entry<Thread, StackTraceElement[]> t :
                    Thread.getAllStackTraces().entrySet()) {
                // (plugin calls run on the server's threads too, when a worker is idle)
                assertFalse(
                        t.getKey().getName() + " still runs a plugin",
                        t.getKey().getState() == Thread.State.RUNNABLE && runsPluginCode(t.getValue()));
                assertTrue(
                        t.getKey().getName() + " was left demoted", t.getKey().getPriority() != Thread.MIN_PRIORITY);
            }
            System.gc();
            Thread.sleep(200);
            System.gc();
            long heapAfter = rt.totalMemory() - rt.freeMemory();
            assertTrue(
                    "heap " + heapBefore / 1_000_000 + " MB before, " + heapAfter / 1_000_000 + " MB after",
                    heapAfter < heapBefore + 64L * 1024 * 1024);
            assertEquals("fine", get("/neighbour").body());
        } finally {
            java.forEach(ServiceRegistration::unregister);
        }
    }

    /** Whether a thread's stack is in a wasm module or a JavaScript context. */
    private static boolean runsPluginCode(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (e.getClassName().startsWith("com.dylibso.chicory.runtime")
                    || e.getClassName().startsWith("com.oracle.truffle.js")) {
                return true;
            }
        }
        return false;
    }
}
