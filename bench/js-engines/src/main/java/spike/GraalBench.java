package spike;

import org.graalvm.polyglot.*;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyObject;

import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;

import static spike.Common.*;

/** Usage: GraalBench info|call|create|mem|terminate */
public final class GraalBench {
    static Engine engine() {
        return Engine.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
    }

    static Context ctx(Engine e) {
        return Context.newBuilder("js").engine(e).build();
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "info";
        try (Engine e = engine()) {
            switch (mode) {
                case "info": info(e); break;
                case "call": call(e); break;
                case "create": create(e); break;
                case "mem": mem(e); break;
                case "terminate": terminate(e); break;
                default: throw new IllegalArgumentException(mode);
            }
        }
    }

    static void info(Engine e) {
        System.out.println("RESULT graal engine " + e.getImplementationName() + " " + e.getVersion()
                + " on " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        try (Context c = ctx(e)) {
            System.out.println("RESULT typeof URL = " + c.eval("js", "typeof URL"));
        }
    }

    /** Request as polyglot proxies (no host access needed), the closest analogue of Javet's converter. */
    static Object requestProxy() {
        Map<String, Object> m = new HashMap<>();
        m.put("method", "GET");
        m.put("url", URL);
        Object[] hs = new Object[HEADERS.length];
        for (int i = 0; i < HEADERS.length; i++) hs[i] = ProxyArray.fromArray(HEADERS[i][0], HEADERS[i][1]);
        m.put("headers", ProxyArray.fromArray(hs));
        return ProxyObject.fromMap(m);
    }

    static void call(Engine e) throws Exception {
        boolean async = Boolean.getBoolean("async");
        int warm = intArg("warm", 50_000), n = intArg("n", 200_000);
        try (Context c = ctx(e)) {
            boolean url = c.eval("js", "typeof URL === 'function'").asBoolean() && !Boolean.getBoolean("nourl");
            c.eval("js", script(url, async));
            String tag = (async ? "async" : "sync") + (url ? ",URL" : ",manual-path");
            Value g = c.getBindings("js");
            Value dispatch = g.getMember("__dispatch"), dispatchJson = g.getMember("__dispatchJson"), dispatchArgs = g.getMember("__dispatchArgs"), dispatchFlat = g.getMember("__dispatchFlat"), noop = g.getMember("__noop");
            Value chk = dispatch.execute(requestProxy());
            System.out.println("check: " + chk.getMember("status").asInt() + " " + chk.getMember("body").asString());
            final int[] sink = {0};
            measure("graal ProxyObject -> getMember " + tag, () -> {
                Value o = dispatch.execute(requestProxy());
                sink[0] += o.getMember("status").asInt() + o.getMember("body").asString().length();
            }, warm, n);
            measure("graal JSON string -> getMember " + tag, () -> {
                Value o = dispatchJson.execute(requestJson());
                sink[0] += o.getMember("status").asInt() + o.getMember("body").asString().length();
            }, warm, n);
            measure("graal 3 string args -> getMember " + tag, () -> {
                Value o = dispatchArgs.execute("GET", URL, headersFlat());
                sink[0] += o.getMember("status").asInt() + o.getMember("body").asString().length();
            }, warm, n);
            measure("graal 3 string args -> 1 string result " + tag, () -> {
                String r = dispatchFlat.execute("GET", URL, headersFlat()).asString();
                int nl = r.indexOf('\n');
                sink[0] += Integer.parseInt(r, 0, nl, 10) + r.length() - nl - 1;
            }, warm, n);
            measure("graal floor: () => 1 via execute().asInt()", () -> { sink[0] += noop.execute().asInt(); }, warm, n);
            System.out.println("sink " + sink[0]);
        }
    }

    static void create(Engine e) {
        int n = intArg("n", 50);
        String src = script(false, false);
        try (Context c = ctx(e)) { c.eval("js", src); }
        long[] bare = new long[n], withScript = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Context c = ctx(e);
            c.initialize("js");
            long t1 = System.nanoTime();
            c.eval("js", src);
            long t2 = System.nanoTime();
            c.close();
            bare[i] = t1 - t0; withScript[i] = t2 - t0;
        }
        System.out.printf(Locale.ROOT, "RESULT graal context (shared engine) median %.3f ms; +eval script %.3f ms (n=%d)%n",
                median(bare) / 1e6, median(withScript) / 1e6, n);
    }

    static void mem(Engine e) throws Exception {
        int n = intArg("n", 100);
        String src = script(false, false);
        try (Context c = ctx(e)) { c.eval("js", src); }
        long rss0 = rssKb(), heap0 = heapUsed();
        List<Context> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Context c = ctx(e);
            c.eval("js", src);
            c.getBindings("js").getMember("__dispatch").execute(requestProxy());
            list.add(c);
        }
        Thread.sleep(200);
        long rss1 = rssKb(), heap1 = heapUsed();
        System.out.printf(Locale.ROOT, "RESULT graal %d idle contexts: RSS +%.1f MB (%.0f KB each), Java heap +%.1f KB (%.1f KB each)%n",
                n, (rss1 - rss0) / 1024.0, (rss1 - rss0) / (double) n, (heap1 - heap0) / 1024.0, (heap1 - heap0) / 1024.0 / n);
        for (Context c : list) c.close();
    }

    static void terminate(Engine e) throws Exception {
        int reps = intArg("n", 10);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try (Context c = ctx(e)) {
            c.eval("js", script(false, false));
            long[] lat = new long[reps];
            for (int i = 0; i < reps; i++) {
                CountDownLatch started = new CountDownLatch(1);
                Future<Long> f = ex.submit(() -> {
                    started.countDown();
                    try { c.eval("js", "for(;;){}"); return -1L; }
                    catch (PolyglotException pe) { return System.nanoTime(); }
                });
                started.await();
                Thread.sleep(100);
                long t0 = System.nanoTime();
                c.interrupt(Duration.ofSeconds(5)); // keeps the context usable, unlike close(true)
                lat[i] = f.get(10, TimeUnit.SECONDS) - t0;
                String after = ex.submit(() -> c.getBindings("js").getMember("__dispatch").execute(requestProxy())
                        .getMember("status").asInt() + "").get();
                if (i == 0) System.out.println("after interrupt: status " + after);
            }
            System.out.printf(Locale.ROOT, "RESULT graal Context.interrupt -> exception on JS thread: median %.1f us, max %.1f us (n=%d)%n",
                    median(lat) / 1e3, Arrays.stream(lat).max().getAsLong() / 1e3, reps);
        } finally { ex.shutdownNow(); }
    }
}
