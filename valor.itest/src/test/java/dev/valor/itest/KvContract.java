package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.valor.api.kv.KeyValueException;
import dev.valor.api.kv.KeyValueStore;
import dev.valor.api.plugin.PluginInfo;
import dev.valor.api.plugin.PluginState;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.osgi.framework.ServiceReference;

/**
 * What a key-value store is to plugins of each kind, whatever keeps it (docs/kv.md): the
 * operations, their limits and refusals, grants, sharing between plugins and kinds, exact counts
 * under concurrency, and data that outlives a swap. A subclass gives the container stores
 * {@code default}, {@code small} ({@code max_value_bytes=64&quota_bytes=200}) and {@code other} on
 * its backend.
 */
public abstract class KvContract extends DeployFolderSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The framework property naming the three stores on the backend under test. */
    protected static String stores(String defaultUrl, String smallUrl, String otherUrl) {
        return "default=" + defaultUrl + " small=" + smallUrl + "?max_value_bytes=64&quota_bytes=200 other=" + otherUrl;
    }

    /** How {@code valor:kv} shows the backend of the store {@code small}, as a pattern. */
    protected abstract String smallBackend();

    protected static final String GRANT_DEFAULT = "\"capabilities\": {\"kv\": [\"default\"]}";

    private JsonNode probe(String scenario) throws Exception {
        HttpResponse<String> r = get("/kvprobe/" + scenario);
        assertEquals(r.body(), 200, r.statusCode());
        return JSON.readTree(r.body());
    }

    private void deployProbe() throws Exception {
        write("kvprobe.json", "{\"capabilities\": {\"kv\": [\"default\", \"small\", \"other\", \"unconfigured\"]}}");
        drop("kv-probe.mjs", "kvprobe.mjs");
        awaitInfo("kvprobe", i -> i.state() == PluginState.ACTIVE);
    }

    @Test
    public void javaScriptGetsEveryOperationInWorkersShapes() throws Exception {
        deployProbe();
        JsonNode seen = probe("types");
        assertTrue(seen.toString(), seen.get("absent").isNull());
        assertEquals("[0,1,255]", seen.get("bytes").toString());
        assertEquals("{\"a\":1}", seen.get("json").toString());
        assertEquals("héllo ✓", seen.get("text").asText());
        assertEquals(true, seen.get("casAbsent").asBoolean());
        assertEquals(false, seen.get("casAgain").asBoolean());
        assertEquals(false, seen.get("casWrong").asBoolean());
        assertEquals(true, seen.get("casRight").asBoolean());
        assertEquals("two", seen.get("cas").asText());
        assertEquals("[1,42,40]", seen.get("inc").toString());
        assertEquals(
                "[[\"page:a\",\"page:b\"],[\"page:c\",\"page:d\"],[\"page:e\"]]",
                seen.get("pages").toString());
        assertEquals(
                "[\"page:a\",\"page:b\",\"page:d\",\"page:e\"]",
                seen.get("afterDelete").toString());
        assertEquals(true, seen.get("expiresInAnHour").asBoolean());
    }

    @Test
    public void limitsAreClearRefusalsThatWriteNothing() throws Exception {
        deployProbe();
        JsonNode seen = probe("limits");
        assertEquals(
                "VALUE_TOO_LARGE: kv small: the value is 65 bytes, more than the store's 64",
                seen.get("tooLarge").asText());
        assertTrue(
                seen.toString(),
                seen.get("longKey").asText().startsWith("INVALID_KEY: kv small: the key is 513 bytes"));
        assertTrue(seen.toString(), seen.get("emptyKey").asText().startsWith("INVALID_KEY"));
        assertTrue(seen.toString(), seen.get("notANumber").asText().startsWith("NOT_A_NUMBER"));
        assertTrue(seen.toString(), seen.get("badLimit").asText().startsWith("INVALID_ARGUMENT"));
        assertTrue(seen.toString(), seen.get("badCursor").asText().startsWith("INVALID_ARGUMENT"));
        assertTrue(seen.toString(), seen.get("badValue").asText().contains("a value is a string, an ArrayBuffer"));
        // 200 bytes of quota: "word"+"hello" takes 9, each fill 66 (6-byte key, 60-byte value): two fit.
        assertEquals(2, seen.get("filled").asInt());
        assertTrue(
                seen.toString(),
                seen.get("quota").asText().startsWith("QUOTA_EXCEEDED: kv small: store small holds 141 bytes"));
        assertTrue("a refused put wrote nothing", seen.get("afterQuota").isNull());
    }

    @Test
    public void storesAreSeparateAndOnlyGrantedOnesAreReachable() throws Exception {
        deployProbe();
        JsonNode iso = probe("isolation");
        assertTrue(iso.toString(), iso.get("other").isNull());
        assertEquals("in default", iso.get("default").asText());
        assertEquals(true, iso.get("sameObject").asBoolean());
        JsonNode ungranted = probe("ungranted");
        assertEquals(
                "TypeError: the store 'secret' is not granted to this plugin (grant it in capabilities.kv)",
                ungranted.get("thrown").asText());
        assertEquals(
                "[\"default\",\"other\",\"small\",\"unconfigured\"]",
                ungranted.get("env").toString());
        assertEquals(
                "NO_SUCH_STORE: kv unconfigured: no key-value store 'unconfigured' is configured"
                        + " (bin/valor --kv unconfigured=URL)",
                probe("missing").get("missing").asText());

        // JavaScript without a grant has no store at all; WebAssembly importing the functions is refused.
        drop(dist().resolve("plugins/with_state.js"), "nokvjs.js");
        PluginInfo js = awaitInfo("nokvjs", i -> i.state() == PluginState.FAILED);
        assertTrue(js.reason(), js.reason().contains("the store 'default' is not granted to this plugin"));
        drop(dist().resolve("plugins/with_state.wasm"), "nokvwasm.wasm");
        PluginInfo wasm = awaitInfo("nokvwasm", i -> i.state() == PluginState.FAILED);
        assertTrue(
                wasm.reason(),
                wasm.reason().contains("valor.kv_increment")
                        && wasm.reason().contains("the key-value functions need a store granted in capabilities.kv"));
    }

    @Test
    public void aNoteWrittenByJavaScriptIsReadByWebAssemblyAndBack() throws Exception {
        write("notes.json", "{" + GRANT_DEFAULT + "}");
        drop(dist().resolve("plugins/notes.mjs"), "notes.mjs");
        write("cnotes.json", "{" + GRANT_DEFAULT + "}");
        drop(dist().resolve("plugins/notes.wasm"), "cnotes.wasm");
        awaitInfo("notes", i -> i.state() == PluginState.ACTIVE);
        awaitInfo("cnotes", i -> i.state() == PluginState.ACTIVE);

        assertEquals(201, post("/notes/n1", "{\"by\":\"js\"}").statusCode());
        assertEquals("{\"by\":\"js\"}", get("/cnotes/n1").body());
        assertEquals(409, post("/cnotes/n1", "again").statusCode());
        assertEquals(201, post("/cnotes/n2", "{\"by\":\"c\"}").statusCode());
        assertEquals("{\"by\":\"c\"}", get("/notes/n2").body());
        assertEquals(
                200,
                send(HttpRequest.newBuilder(URI.create(base() + "/notes/n2"))
                                .PUT(HttpRequest.BodyPublishers.ofString("{\"by\":\"js, replaced\"}")))
                        .statusCode());
        assertEquals("{\"by\":\"js, replaced\"}", get("/cnotes/n2").body());
        for (String id : List.of("n3", "n4", "n5")) {
            assertEquals(201, post("/notes/" + id, "{}").statusCode());
        }
        // Both list the same pages: ids in order, a cursor until the last page.
        for (String lister : List.of("/notes/", "/cnotes/")) {
            List<String> ids = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonNode page = JSON.readTree(get(lister + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor))
                        .body());
                page.get("notes").forEach(n -> ids.add(n.asText()));
                cursor = page.get("cursor").isNull() ? null : page.get("cursor").asText();
                pages++;
            } while (cursor != null);
            assertEquals(lister, List.of("n1", "n2", "n3", "n4", "n5"), ids);
            assertEquals(lister, 3, pages);
        }
        assertEquals(
                204,
                send(HttpRequest.newBuilder(URI.create(base() + "/cnotes/n1")).DELETE())
                        .statusCode());
        assertEquals(404, get("/notes/n1").statusCode());
        assertEquals(
                404,
                send(HttpRequest.newBuilder(URI.create(base() + "/notes/n1")).DELETE())
                        .statusCode());

        // Expiry, in either kind: present until its second is over, then gone.
        assertEquals(201, post("/cnotes/brief?ttl=1", "soon gone").statusCode());
        assertEquals("soon gone", get("/notes/brief").body());
        awaitStatus("/notes/brief", 404);
        // A refusal of the store is the plugin's answer to give: a value over 1 MiB.
        HttpResponse<String> big = post("/cnotes/big", "x".repeat((1 << 20) + 1));
        assertEquals(big.body(), 413, big.statusCode());
        assertEquals(404, get("/notes/big").statusCode());
    }

    @Test
    public void aThousandConcurrentIncrementsThroughPooledPluginsCountExactly() throws Exception {
        write("countwasm.json", "{\"config\": \"W\", \"limits\": {\"instances\": 4}, " + GRANT_DEFAULT + "}");
        drop(dist().resolve("plugins/with_state.wasm"), "countwasm.wasm");
        write("countjs.json", "{\"config\": \"J\", \"limits\": {\"instances\": 4}, " + GRANT_DEFAULT + "}");
        drop(dist().resolve("plugins/with_state.js"), "countjs.js");
        awaitInfo("countwasm", i -> i.state() == PluginState.ACTIVE);
        awaitInfo("countjs", i -> i.state() == PluginState.ACTIVE);
        for (String plugin : List.of("countwasm", "countjs")) {
            Set<Long> counts = countConcurrently("/" + plugin + "?who=x", 1000, 32);
            assertEquals(plugin + ": every count from 1 to 1000, each once", 1000, counts.size());
            assertEquals(plugin, 1L, (long) ((TreeSet<Long>) counts).first());
            assertEquals(plugin, 1000L, (long) ((TreeSet<Long>) counts).last());
        }
    }

    /** The x-greetings each of {@code calls} requests got, from {@code clients} threads at once. */
    private Set<Long> countConcurrently(String path, int calls, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
        Set<Long> counts = new TreeSet<>();
        try {
            List<Future<Long>> all = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                all.add(pool.submit(() -> {
                    HttpResponse<String> r = get(path);
                    if (r.statusCode() != 200) {
                        bad.add(r.statusCode() + " " + r.body());
                        return -1L;
                    }
                    return Long.parseLong(r.headers().firstValue("x-greetings").orElseThrow());
                }));
            }
            for (Future<Long> f : all) {
                counts.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(bad.toString(), bad.isEmpty());
        return counts;
    }

    @Test
    public void theCountOutlivesASwap() throws Exception {
        write("swapcount.json", "{\"config\": \"S\", " + GRANT_DEFAULT + "}");
        drop(dist().resolve("plugins/with_state.js"), "swapcount.js");
        String version =
                awaitInfo("swapcount", i -> i.state() == PluginState.ACTIVE).version();
        assertEquals("1", greetings("/swapcount?who=a"));
        assertEquals("2", greetings("/swapcount?who=a"));
        Path changed = Files.createTempFile("swapcount", ".js");
        Files.writeString(changed, Files.readString(dist().resolve("plugins/with_state.js")) + "\n// version 2\n");
        drop(changed, "swapcount.js");
        awaitInfo(
                "swapcount",
                i -> i.state() == PluginState.ACTIVE && !i.version().equals(version));
        assertEquals("the new version counts on", "3", greetings("/swapcount?who=a"));
    }

    @Test
    public void pluginsOfEveryKindShareAStore() throws Exception {
        write("sharejs.json", "{\"config\": \"Shared\", " + GRANT_DEFAULT + "}");
        drop(dist().resolve("plugins/with_state.js"), "sharejs.js");
        write("sharec.json", "{\"config\": \"Shared\", " + GRANT_DEFAULT + "}");
        drop(dist().resolve("plugins/with_state.wasm"), "sharec.wasm");
        write("sharejava.json", "{\"config\": \"Shared\"}"); // a Java bundle references its store itself
        drop(dist().resolve("plugins/with_state.jar"), "sharejava.jar");
        for (String p : List.of("sharejs", "sharec", "sharejava")) {
            awaitInfo(p, i -> i.state() == PluginState.ACTIVE);
        }
        assertEquals("1", greetings("/sharejs?who=a"));
        assertEquals("2", greetings("/sharec?who=a"));
        assertEquals("3", greetings("/sharejava?who=a"));
        assertEquals("4", greetings("/sharejs?who=a"));
    }

    private String greetings(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(r.body(), 200, r.statusCode());
        return r.headers().firstValue("x-greetings").orElseThrow();
    }

    @Test
    public void aWagiModuleGetsTheStoreToo() throws Exception {
        write("wagikv.json", "{" + GRANT_DEFAULT + "}");
        drop("wagi-kv.wasm", "wagikv.wasm");
        awaitInfo("wagikv", i -> i.state() == PluginState.ACTIVE);
        assertEquals("one", post("/wagikv", "one").body());
        assertEquals(
                "a fresh instance per request, the same store",
                "one,two",
                post("/wagikv", ",two").body());
        // Without the grant, the same module is refused at deploy.
        drop("wagi-kv.wasm", "wagiplain.wasm");
        PluginInfo plain = awaitInfo("wagiplain", i -> i.state() == PluginState.FAILED);
        assertTrue(plain.reason(), plain.reason().contains("valor.kv_get"));
    }

    @Test
    public void javaGetsEveryOperationFromTheStoreService() throws Exception {
        ServiceReference<KeyValueStore> ref = context.getServiceReferences(
                        KeyValueStore.class, "(" + KeyValueStore.NAME + "=default)")
                .iterator()
                .next();
        KeyValueStore store = context.getService(ref);
        try {
            assertEquals("default", store.name());
            assertEquals(null, done(store.get("java:absent")));
            done(store.put("java:k", "v".getBytes(StandardCharsets.UTF_8), 3600));
            assertEquals("v", new String(done(store.get("java:k")), StandardCharsets.UTF_8));
            assertEquals(5L, (long) done(store.increment("java:n", 5)));
            assertEquals(true, done(store.compareAndSwap("java:c", null, new byte[] {1}, 0)));
            assertEquals(false, done(store.compareAndSwap("java:c", new byte[] {2}, new byte[] {3}, 0)));
            KeyValueStore.Page page = done(store.list("java:", 2, null));
            assertEquals(
                    List.of("java:c", "java:k"),
                    page.keys().stream().map(KeyValueStore.Key::name).toList());
            assertTrue(page.keys().get(1).expiration() > System.currentTimeMillis() / 1000);
            assertEquals(
                    List.of("java:n"),
                    done(store.list("java:", 2, page.cursor())).keys().stream()
                            .map(KeyValueStore.Key::name)
                            .toList());
            assertEquals(true, done(store.delete("java:k")));
            assertEquals(false, done(store.delete("java:k")));
            try {
                done(store.put("", new byte[0]));
                fail("an empty key was taken");
            } catch (ExecutionException refused) {
                assertEquals(KeyValueException.Reason.INVALID_KEY, ((KeyValueException) refused.getCause()).reason());
            }
        } finally {
            context.ungetService(ref);
        }
    }

    private static <T> T done(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    public void theShellListsTheStores() throws Exception {
        String out = String.valueOf(shell("valor:kv"));
        assertTrue(out, out.startsWith("STORE"));
        assertTrue(out, out.contains("default") && out.contains("small") && out.contains("other"));
        assertTrue(out, out.matches("(?s).*small\\s+\\d+\\s+\\d+\\s+200\\s+" + smallBackend() + ".*"));
    }
}
