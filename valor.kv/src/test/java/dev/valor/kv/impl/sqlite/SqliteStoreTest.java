package dev.valor.kv.impl.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.valor.api.kv.KeyValueException;
import dev.valor.api.kv.KeyValueException.Reason;
import dev.valor.api.kv.KeyValueStore.Key;
import dev.valor.api.kv.KeyValueStore.Page;
import dev.valor.kv.impl.StoreUrl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<SqliteStore> opened = new ArrayList<>();

    private SqliteStore open(String url) throws Exception {
        SqliteStore s = SqliteStore.open("test", StoreUrl.parse(url), dir, clock::get);
        opened.add(s);
        return s;
    }

    @AfterEach
    void close() {
        opened.forEach(SqliteStore::close);
    }

    private static <T> T done(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get();
    }

    private static Reason refusal(CompletionStage<?> stage) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> done(stage));
        return ((KeyValueException) e.getCause()).reason();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPutIsReadBackAndADeleteRemovesIt() throws Exception {
        SqliteStore s = open("file:a.db");
        assertNull(done(s.get("k")));
        done(s.put("k", b("v1")));
        done(s.put("k", b("v2")));
        assertArrayEquals(b("v2"), done(s.get("k")));
        assertTrue(done(s.delete("k")));
        assertFalse(done(s.delete("k")));
        assertNull(done(s.get("k")));
    }

    @Test
    void dataOutlivesTheStoreThatWroteIt() throws Exception {
        SqliteStore first = open("file:kept.db");
        done(first.put("k", b("kept")));
        done(first.increment("n", 5));
        first.close();
        SqliteStore again = open("file:kept.db");
        assertArrayEquals(b("kept"), done(again.get("k")));
        assertEquals(6L, done(again.increment("n", 1)));
        assertEquals(2, done(again.usage()).keys());
    }

    @Test
    void aKeyPastItsExpiryIsAbsentAndSweptAway() throws Exception {
        SqliteStore s = open("file:e.db");
        done(s.put("short", b("x"), 10));
        done(s.put("long", b("y"), 1000));
        clock.addAndGet(9_999);
        assertArrayEquals(b("x"), done(s.get("short")));
        clock.addAndGet(1);
        assertNull(done(s.get("short")));
        assertEquals(List.of("long"), names(done(s.list("", 10, null))));
        assertEquals(
                (1_000_000 + 1_000_000) / 1000,
                done(s.list("", 10, null)).keys().get(0).expiration());
        assertEquals(1, s.sweep());
        assertEquals(1, done(s.usage()).keys());
    }

    @Test
    void listingPagesThroughAPrefixInKeyOrder() throws Exception {
        SqliteStore s = open("file:l.db");
        for (int i = 0; i < 25; i++) {
            done(s.put(String.format("user:%02d", i), b("u")));
        }
        done(s.put("other", b("o")));
        done(s.put("user", b("not under user:")));
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page p = done(s.list("user:", 10, cursor));
            seen.addAll(names(p));
            cursor = p.cursor();
            pages++;
        } while (cursor != null);
        assertEquals(3, pages);
        assertEquals(25, seen.size());
        assertEquals("user:00", seen.get(0));
        assertEquals("user:24", seen.get(24));
        assertEquals(Reason.INVALID_ARGUMENT, refusal(s.list("", 1001, null)));
        assertEquals(Reason.INVALID_ARGUMENT, refusal(s.list("", 10, "not a cursor!")));
    }

    @Test
    void incrementCountsFromAbsentAndRefusesText() throws Exception {
        SqliteStore s = open("file:i.db");
        assertEquals(1L, done(s.increment("n", 1)));
        assertEquals(-4L, done(s.increment("n", -5)));
        assertArrayEquals(b("-4"), done(s.get("n")));
        done(s.put("t", b("hello")));
        assertEquals(Reason.NOT_A_NUMBER, refusal(s.increment("t", 1)));
        done(s.put("max", b(Long.toString(Long.MAX_VALUE))));
        assertEquals(Reason.NOT_A_NUMBER, refusal(s.increment("max", 1)));
    }

    @Test
    void incrementKeepsTheKeysExpiry() throws Exception {
        SqliteStore s = open("file:ie.db");
        done(s.put("n", b("1"), 5));
        assertEquals(2L, done(s.increment("n", 1)));
        clock.addAndGet(5_000);
        assertNull(done(s.get("n")));
        assertEquals(1L, done(s.increment("n", 1)), "an expired count starts again");
    }

    @Test
    void compareAndSwapSetsOnlyOverWhatWasExpected() throws Exception {
        SqliteStore s = open("file:c.db");
        assertTrue(done(s.compareAndSwap("k", null, b("first"), 0)));
        assertFalse(done(s.compareAndSwap("k", null, b("again"), 0)));
        assertFalse(done(s.compareAndSwap("k", b("wrong"), b("x"), 0)));
        assertTrue(done(s.compareAndSwap("k", b("first"), b("second"), 0)));
        assertArrayEquals(b("second"), done(s.get("k")));
    }

    @Test
    void concurrentIncrementsAreNeverLost() throws Exception {
        SqliteStore s = open("file:n.db");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                all.add(pool.submit(() -> done(s.increment("count", 1))));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertArrayEquals(b("1000"), done(s.get("count")));
    }

    @Test
    void twoStoresOnOneFileBothWriteAndCountExactly() throws Exception {
        // As two runtimes on one machine sharing a file would: neither holds the lock while idle.
        SqliteStore one = open("file:shared.db");
        SqliteStore two = open("file:shared.db");
        for (int i = 0; i < 50; i++) {
            done(one.increment("n", 1));
            done(two.increment("n", 1));
        }
        assertArrayEquals(b("100"), done(one.get("n")));
        done(two.put("k", b("from two")));
        assertArrayEquals(b("from two"), done(one.get("k")));
    }

    @Test
    void limitsAreClearRefusalsThatChangeNothing() throws Exception {
        SqliteStore s = open("file:q.db?max_value_bytes=100&quota_bytes=250");
        assertEquals(Reason.INVALID_KEY, refusal(s.put("", b("x"))));
        assertEquals(Reason.INVALID_KEY, refusal(s.put("k".repeat(513), b("x"))));
        assertEquals(Reason.VALUE_TOO_LARGE, refusal(s.put("big", new byte[101])));
        done(s.put("a", new byte[99]));
        done(s.put("b", new byte[99]));
        assertEquals(Reason.QUOTA_EXCEEDED, refusal(s.put("c", new byte[99])));
        assertNull(done(s.get("c")));
        done(s.put("a", new byte[10])); // smaller: room again
        done(s.put("c", new byte[80]));
        assertEquals(3 + 10 + 99 + 80, done(s.usage()).bytes());
        assertEquals(Reason.INVALID_ARGUMENT, refusal(s.put("t", b("x"), -1)));
    }

    @Test
    void anUnknownOptionIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open("file:o.db?quota=100"));
        assertTrue(e.getMessage().contains("unknown option 'quota'"), e.getMessage());
    }

    private static List<String> names(Page p) {
        return p.keys().stream().map(Key::name).toList();
    }
}
