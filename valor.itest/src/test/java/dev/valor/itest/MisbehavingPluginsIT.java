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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * while a well-behaved neighbour is measured: it keeps answering fast, and afterwards no runaway
 * is left running and the heap is back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MisbehavingPluginsIT extends DeployFolderSupport {

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(valor(Map.of("valor.state.dir", tempDir("state").toString())),
                systemProperty(Fixtures.DIR).value(Fixtures.build().toString()));
    }

    private ServiceRegistration<Vlugin> register(String name, Vlugin vlugin, long timeoutMs) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(VluginProperties.NAME, name);
        p.put(VluginProperties.TIMEOUT_MS, timeoutMs);
        return context.registerService(Vlugin.class, vlugin, p);
    }

    private long p99Millis(String path, int calls) throws Exception {
        long[] ms = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            assertEquals(200, get(path).statusCode());
            ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(ms);
        return ms[(int) Math.ceil(calls * 0.99) - 1];
    }

    @Test
    public void shouldKeepANeighbourFastWhilePluginsOfEveryKindMisbehave() throws Exception {
        List<ServiceRegistration<Vlugin>> java = new ArrayList<>();
        java.add(register("neighbour", r -> CompletableFuture.completedStage(Response.text("fine")), 0));
        java.add(register("blocker", r -> {
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedStage(Response.text("late"));
        }, 500));
        java.add(register("thrower", r -> {
            throw new IllegalStateException("boom");
        }, 0));
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
            p99Millis("/neighbour", 200); // warm-up
            long normal = p99Millis("/neighbour", 300);
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long heapBefore = rt.totalMemory() - rt.freeMemory();

            Map<String, Integer> answers = new ConcurrentHashMap<>();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> bad = new ArrayList<>();
            for (String path : new String[] {"/blocker", "/thrower", "/wloop", "/wdeep", "/wgreedy", "/jloop", "/jdeep",
                "/jbomb"}) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        try {
                            answers.merge(path + " " + get(path).statusCode(), 1, Integer::sum);
                        } catch (Exception e) {
                            answers.merge(path + " " + e, 1, Integer::sum);
                        }
                    }
                });
                t.start();
                bad.add(t);
            }
            long during;
            try {
                Thread.sleep(500);
                // Runaway calls past 50 ms, and calls of plugins that misbehaved lately, run at the lowest priority.
                boolean demoted = false;
                for (int i = 0; i < 50 && !demoted; i++) {
                    for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
                        demoted |= runsPluginCode(t.getValue()) && t.getKey().getState() == Thread.State.RUNNABLE
                                && t.getKey().getPriority() == Thread.MIN_PRIORITY;
                    }
                    Thread.sleep(10);
                }
                assertTrue("a runaway plugin call running at the lowest priority", demoted);
                during = p99Millis("/neighbour", 300);
            } finally {
                running.set(false);
                for (Thread t : bad) {
                    t.join(15_000);
                }
            }
            System.out.println("neighbour p99: " + normal + " ms normally, " + during + " ms during the misbehaviour");
            assertTrue("neighbour p99 " + during + " ms during the misbehaviour, " + normal + " ms normally",
                    during <= Math.max(3 * normal, 50));
            for (String expected : new String[] {"/blocker 504", "/thrower 500", "/wloop 504", "/wdeep 500",
                "/wgreedy 500", "/jloop 504", "/jdeep 500", "/jbomb 500"}) {
                assertTrue(expected + " in " + answers, answers.containsKey(expected));
            }
            for (String key : answers.keySet()) {
                assertTrue("only the expected answers: " + answers, key.matches("/\\w+ (500|504)"));
            }

            Thread.sleep(1_500); // deadlines past, cancelled work unwound
            for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
                // (plugin calls run on the server's threads too, when a worker is idle)
                assertFalse(t.getKey().getName() + " still runs a plugin",
                        t.getKey().getState() == Thread.State.RUNNABLE && runsPluginCode(t.getValue()));
                assertTrue(t.getKey().getName() + " was left demoted", t.getKey().getPriority() != Thread.MIN_PRIORITY);
            }
            System.gc();
            Thread.sleep(200);
            System.gc();
            long heapAfter = rt.totalMemory() - rt.freeMemory();
            assertTrue("heap " + heapBefore / 1_000_000 + " MB before, " + heapAfter / 1_000_000 + " MB after",
                    heapAfter < heapBefore + 64L * 1024 * 1024);
            assertEquals("fine", get("/neighbour").body());
        } finally {
            java.forEach(ServiceRegistration::unregister);
        }
    }

    /** Whether a thread's stack is in a wasm module or a JavaScript context. */
    private static boolean runsPluginCode(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (e.getClassName().startsWith("com.dylibso.chicory.runtime") || e.getClassName().startsWith("com.oracle.truffle.js")) {
                return true;
            }
        }
        return false;
    }
}
