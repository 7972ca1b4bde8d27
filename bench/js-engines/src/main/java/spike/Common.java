package spike;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

final class Common {
    static final String URL = "http://localhost:8080/hello?name=world";
    static final String[][] HEADERS = {{"host", "localhost:8080"}, {"user-agent", "bench/1.0"}, {"accept", "*/*"}};

    /** Worker-style plugin. usesUrl: use WHATWG URL (if the engine has it), else parse the path by hand. */
    static String script(boolean usesUrl, boolean async) {
        String parse = usesUrl
                ? "const u = new URL(e.data.url); const path = u.pathname;"
                : "const s = e.data.url; const i = s.indexOf('/', s.indexOf('//') + 2); const q = s.indexOf('?', i);"
                  + " const path = i < 0 ? '/' : (q < 0 ? s.slice(i) : s.slice(i, q));";
        return "let out; globalThis.postMessage = m => { out = m; }; globalThis.self = globalThis;\n"
                + "globalThis.onmessage = " + (async ? "async " : "") + "(e) => { " + parse
                + " postMessage({status: 200, headers: [['content-type','text/plain']], body: 'OK response from a plugin'}); };\n"
                // host-side glue: one entry point per transport
                + "globalThis.__dispatch = (req) => { out = undefined; onmessage({data: req}); return out; };\n"
                + "globalThis.__dispatchJson = (s) => { out = undefined; onmessage({data: JSON.parse(s)}); return out; };\n"
                + "globalThis.__dispatchArgs = (method, url, h) => { const p = h.split('\\n'), headers = [];"
                + " for (let i = 0; i + 1 < p.length; i += 2) headers.push([p[i], p[i + 1]]);"
                + " out = undefined; onmessage({data: {method, url, headers}}); return out; };\n"
                + "globalThis.__dispatchFlat = (method, url, h) => { const o = __dispatchArgs(method, url, h); return o.status + '\\n' + o.body; };\n"
                + "globalThis.__noop = () => 1;\n";
    }

    static Map<String, Object> requestMap() {
        Map<String, Object> m = new HashMap<>();
        m.put("method", "GET");
        m.put("url", URL);
        List<Object> hs = new ArrayList<>(HEADERS.length);
        for (String[] h : HEADERS) hs.add(Arrays.asList(h[0], h[1]));
        m.put("headers", hs);
        return m;
    }

    static String requestJson() {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"method\":");
        q(sb, "GET");
        sb.append(",\"url\":");
        q(sb, URL);
        sb.append(",\"headers\":[");
        for (int i = 0; i < HEADERS.length; i++) {
            if (i > 0) sb.append(',');
            sb.append('[');
            q(sb, HEADERS[i][0]);
            sb.append(',');
            q(sb, HEADERS[i][1]);
            sb.append(']');
        }
        return sb.append("]}").toString();
    }

    /** headers flattened to "k\nv\nk\nv" (newline cannot occur in HTTP header names/values) */
    static String headersFlat() {
        StringBuilder sb = new StringBuilder(64);
        for (String[] h : HEADERS) sb.append(h[0]).append('\n').append(h[1]).append('\n');
        return sb.toString();
    }

    static void q(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        sb.append('"');
    }

    interface Call { void run() throws Exception; }

    /** Times each call individually; prints median, p99, mean. */
    static void measure(String label, Call c, int warm, int n) throws Exception {
        for (int i = 0; i < warm; i++) c.run();
        long[] t = new long[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            c.run();
            t[i] = System.nanoTime() - s;
        }
        long total = System.nanoTime() - start;
        Arrays.sort(t);
        System.out.printf(Locale.ROOT, "RESULT %-38s median %7.2f us  p99 %7.2f us  mean %7.2f us  (%d calls, %.0f calls/s)%n",
                label, t[n / 2] / 1e3, t[(int) (n * 0.99)] / 1e3, total / 1e3 / n, n, n * 1e9 / total);
    }

    static double median(long[] a) {
        long[] b = a.clone();
        Arrays.sort(b);
        return b[b.length / 2];
    }

    static long rssKb() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status")))
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", ""));
        return -1;
    }

    static long heapUsed() throws InterruptedException {
        for (int i = 0; i < 3; i++) { System.gc(); Thread.sleep(50); }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static int intArg(String name, int def) {
        return Integer.getInteger(name, def);
    }
}
