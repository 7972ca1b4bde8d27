package spike;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.options.V8RuntimeOptions;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueGlobalObject;
import com.caoccao.javet.values.reference.V8ValueObject;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.concurrent.*;

import static spike.Common.*;

/** Usage: JavetBench info|call|create|mem|terminate|heap|heapcb */
public final class JavetBench {
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "info";
        switch (mode) {
            case "info": info(); break;
            case "call": call(); break;
            case "create": create(); break;
            case "mem": mem(); break;
            case "terminate": terminate(); break;
            case "heap": heap(false); break;
            case "heapcb": heap(true); break;
            default: throw new IllegalArgumentException(mode);
        }
    }

    static V8Runtime newRuntime() throws JavetException {
        return V8Host.getV8Instance().createV8Runtime();
    }

    static boolean hasUrl(V8Runtime rt) throws JavetException {
        return rt.getExecutor("typeof URL === 'function'").executeBoolean();
    }

    static void info() throws Exception {
        long t0 = System.nanoTime();
        try (V8Runtime rt = newRuntime()) {
            long t1 = System.nanoTime();
            System.out.println("RESULT javet version " + V8Host.getV8Instance().getJavetVersion()
                    + ", V8 " + rt.getVersion());
            System.out.printf(Locale.ROOT, "RESULT first runtime (incl. library unpack+load) %.1f ms%n", (t1 - t0) / 1e6);
            System.out.println("RESULT typeof URL = " + rt.getExecutor("typeof URL").executeString()
                    + ", typeof TextEncoder = " + rt.getExecutor("typeof TextEncoder").executeString()
                    + ", typeof setTimeout = " + rt.getExecutor("typeof setTimeout").executeString()
                    + ", typeof queueMicrotask = " + rt.getExecutor("typeof queueMicrotask").executeString()
                    + ", typeof structuredClone = " + rt.getExecutor("typeof structuredClone").executeString());
        }
        // where did the .so go?
        for (String l : Files.readAllLines(Path.of("/proc/self/maps")))
            if (l.contains("libjavet")) { System.out.println("RESULT mapped: " + l.substring(l.indexOf('/'))); break; }
    }

    static void call() throws Exception {
        boolean async = Boolean.getBoolean("async");
        int warm = intArg("warm", 50_000), n = intArg("n", 200_000);
        try (V8Runtime rt = newRuntime()) {
            boolean url = hasUrl(rt) && !Boolean.getBoolean("nourl");
            rt.getExecutor(script(url, async)).executeVoid();
            String tag = (async ? "async" : "sync") + (url ? ",URL" : ",manual-path");
            try (V8ValueGlobalObject g = rt.getGlobalObject();
                 V8ValueFunction dispatch = g.get("__dispatch");
                 V8ValueFunction dispatchJson = g.get("__dispatchJson");
                 V8ValueFunction dispatchArgs = g.get("__dispatchArgs");
                 V8ValueFunction dispatchFlat = g.get("__dispatchFlat");
                 V8ValueFunction noop = g.get("__noop")) {
                // sanity
                try (V8ValueObject o = dispatch.call(null, requestMap())) {
                    if (o.getInteger("status") != 200) throw new AssertionError();
                    System.out.println("check: " + o.getInteger("status") + " " + o.getString("body"));
                }
                final int[] sink = {0};
                measure("javet converter(Map) -> obj.get " + tag, () -> {
                    try (V8ValueObject o = dispatch.call(null, requestMap())) {
                        sink[0] += o.getInteger("status") + o.getString("body").length();
                    }
                }, warm, n);
                measure("javet JSON string -> obj.get " + tag, () -> {
                    try (V8ValueObject o = dispatchJson.call(null, requestJson())) {
                        sink[0] += o.getInteger("status") + o.getString("body").length();
                    }
                }, warm, n);
                measure("javet 3 string args -> obj.get " + tag, () -> {
                    try (V8ValueObject o = dispatchArgs.call(null, "GET", URL, headersFlat())) {
                        sink[0] += o.getInteger("status") + o.getString("body").length();
                    }
                }, warm, n);
                measure("javet 3 string args -> 1 string result " + tag, () -> {
                    String r = dispatchFlat.callString(null, "GET", URL, headersFlat());
                    int nl = r.indexOf('\n');
                    sink[0] += Integer.parseInt(r, 0, nl, 10) + r.length() - nl - 1;
                }, warm, n);
                measure("javet floor: () => 1 via callInteger", () -> { sink[0] += noop.callInteger(null); }, warm, n);
                measure("javet converter(Map) -> callObject(Map) " + tag, () -> {
                    Map<String, Object> o = dispatch.callObject(null, requestMap());
                    sink[0] += ((Integer) o.get("status")) + ((String) o.get("body")).length();
                }, warm, n);
                System.out.println("sink " + sink[0]);
            }
        }
    }

    static void create() throws Exception {
        int n = intArg("n", 50);
        String src = script(false, false);
        newRuntime().close(); // load library
        long[] bare = new long[n], withScript = new long[n], closeT = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            V8Runtime rt = newRuntime();
            long t1 = System.nanoTime();
            rt.getExecutor(src).executeVoid();
            long t2 = System.nanoTime();
            rt.close();
            long t3 = System.nanoTime();
            bare[i] = t1 - t0; withScript[i] = t2 - t0; closeT[i] = t3 - t2;
        }
        System.out.printf(Locale.ROOT, "RESULT javet createV8Runtime median %.3f ms; +eval script %.3f ms; close %.3f ms (n=%d)%n",
                median(bare) / 1e6, median(withScript) / 1e6, median(closeT) / 1e6, n);
    }

    static void mem() throws Exception {
        int n = intArg("n", 100);
        String src = script(false, false);
        try (V8Runtime warm = newRuntime()) { warm.getExecutor(src).executeVoid(); }
        long rss0 = rssKb(), heap0 = heapUsed();
        List<V8Runtime> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            V8Runtime rt = newRuntime();
            rt.getExecutor(src).executeVoid();
            try (V8ValueGlobalObject g = rt.getGlobalObject(); V8ValueFunction d = g.get("__dispatch");
                 V8Value r = d.call(null, requestMap())) { }
            list.add(rt);
        }
        Thread.sleep(200);
        long rss1 = rssKb(), heap1 = heapUsed();
        System.out.printf(Locale.ROOT, "RESULT javet %d idle runtimes: RSS +%.1f MB (%.0f KB each), Java heap +%.1f KB (%.1f KB each)%n",
                n, (rss1 - rss0) / 1024.0, (rss1 - rss0) / (double) n, (heap1 - heap0) / 1024.0, (heap1 - heap0) / 1024.0 / n);
        try {
            long used = 0;
            for (V8Runtime rt : list) used += rt.getV8HeapStatistics().get(5, TimeUnit.SECONDS).getUsedHeapSize();
            System.out.printf(Locale.ROOT, "RESULT javet V8 used_heap_size per runtime %.0f KB%n", used / 1024.0 / n);
        } catch (Exception e) { System.out.println("heap stats failed: " + e); }
        for (V8Runtime rt : list) rt.close();
        long rss2 = rssKb();
        System.out.printf(Locale.ROOT, "RESULT javet after closing all: RSS %+.1f MB vs before%n", (rss2 - rss0) / 1024.0);
    }

    static void terminate() throws Exception {
        int reps = intArg("n", 10);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try (V8Runtime rt = newRuntime()) {
            rt.getExecutor(script(false, false)).executeVoid();
            long[] lat = new long[reps];
            for (int i = 0; i < reps; i++) {
                CountDownLatch started = new CountDownLatch(1);
                Future<long[]> f = ex.submit(() -> {
                    started.countDown();
                    try {
                        rt.getExecutor("for(;;){}").executeVoid();
                        return new long[]{-1};
                    } catch (Throwable t) {
                        long now = System.nanoTime();
                        return new long[]{now};
                    }
                });
                started.await();
                Thread.sleep(100);
                long t0 = System.nanoTime();
                rt.terminateExecution();
                long[] r = f.get(10, TimeUnit.SECONDS);
                lat[i] = r[0] - t0;
                // usable afterwards? (on the JS thread, like a plugin runtime would)
                String after = ex.submit(() -> {
                    try (V8ValueGlobalObject g = rt.getGlobalObject(); V8ValueFunction d = g.get("__dispatch");
                         V8ValueObject o = d.call(null, requestMap())) {
                        return rt.getExecutor("1+1").executeInteger() + "/" + o.getInteger("status") + "/dead=" + rt.isDead();
                    } catch (Throwable t) { return "ERROR " + t; }
                }).get();
                if (i == 0 || i == reps - 1) System.out.println("after terminate #" + i + ": 1+1/status = " + after);
            }
            System.out.printf(Locale.ROOT, "RESULT javet terminateExecution -> exception on JS thread: median %.1f us, max %.1f us (n=%d)%n",
                    median(lat) / 1e3, Arrays.stream(lat).max().getAsLong() / 1e3, reps);
            // what exception type?
            Future<String> f = ex.submit(() -> {
                try { rt.getExecutor("for(;;){}").executeVoid(); return "none"; }
                catch (Throwable t) { return t.getClass().getName() + ": " + t.getMessage(); }
            });
            Thread.sleep(50);
            rt.terminateExecution();
            System.out.println("RESULT exception: " + f.get());
        } finally {
            ex.shutdownNow();
        }
    }

    /** Greedy allocator under a heap limit. Run in a child JVM: it may abort the process. */
    static void heap(boolean callback) throws Exception {
        int mb = intArg("maxHeapMb", 64);
        V8RuntimeOptions.V8_FLAGS.setMaxHeapSize(mb);          // process-wide V8 flag, before first isolate
        System.out.println("flags: " + V8RuntimeOptions.V8_FLAGS);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try (V8Runtime rt = newRuntime(); V8Runtime other = newRuntime()) {
            rt.getExecutor(script(false, false)).executeVoid();
            other.getExecutor(script(false, false)).executeVoid();
            if (callback) installNearHeapLimitCallback(rt);
            long t0 = System.nanoTime();
            String res = ex.submit(() -> {
                try {
                    rt.getExecutor("const a = []; for (;;) a.push(new Array(100000).fill(1.5));").executeVoid();
                    return "completed?!";
                } catch (Throwable t) { return t.getClass().getName() + ": " + t.getMessage(); }
            }).get(60, TimeUnit.SECONDS);
            System.out.printf(Locale.ROOT, "RESULT greedy allocator stopped after %.0f ms: %s%n", (System.nanoTime() - t0) / 1e6, res);
            try {
                if (callback) cancelTerminate(rt);
                String after = ex.submit(() -> {
                    try (V8ValueGlobalObject g = rt.getGlobalObject(); V8ValueFunction d = g.get("__dispatch");
                         V8ValueObject o = d.call(null, requestMap())) {
                        return "status " + o.getInteger("status") + ", dead=" + rt.isDead();
                    } catch (Throwable t) { return "ERROR " + t; }
                }).get(10, TimeUnit.SECONDS);
                System.out.println("RESULT same runtime afterwards: " + after);
            } catch (Throwable t) { System.out.println("RESULT same runtime afterwards: " + t); }
            try (V8ValueGlobalObject g = other.getGlobalObject(); V8ValueFunction d = g.get("__dispatch");
                 V8ValueObject o = d.call(null, requestMap())) {
                System.out.println("RESULT other runtime afterwards: status " + o.getInteger("status"));
            }
            System.out.println("RESULT JVM survived");
        } finally {
            ex.shutdownNow();
        }
    }

    /** Javet 5.x: V8Runtime.setNearHeapLimitCallback(IJavetNearHeapLimitCallback). Reflection so this compiles against 4.x. */
    static void installNearHeapLimitCallback(V8Runtime rt) throws Exception {
        Class<?> cb = Class.forName("com.caoccao.javet.interop.callback.IJavetNearHeapLimitCallback");
        Object proxy = Proxy.newProxyInstance(cb.getClassLoader(), new Class<?>[]{cb}, (p, m, a) -> {
            if (m.getName().equals("callback")) {
                long current = (Long) a[0], initial = (Long) a[1];
                System.out.println("near-heap-limit callback: current=" + current / 1048576 + " MB initial=" + initial / 1048576 + " MB -> terminateExecution");
                rt.terminateExecution();
                return current + 16L * 1048576; // headroom to unwind
            }
            if (m.getName().equals("getDefaultHeapLimit")) return 0L;
            if (m.getName().equals("hashCode")) return System.identityHashCode(p); if (m.getName().equals("equals")) return p == a[0]; if (m.getName().equals("toString")) return "cb"; return null;
        });
        V8Runtime.class.getMethod("setNearHeapLimitCallback", cb).invoke(rt, proxy);
    }

    static void cancelTerminate(V8Runtime rt) {
        try { V8Runtime.class.getMethod("cancelTerminateExecution").invoke(rt); } catch (Exception ignored) { }
    }
}
