package dev.valor.wasm.impl.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compiled-module cache on disk: whole entries, bounded, the least recently used going first. */
class DirectoryCacheTest {

    @TempDir
    Path dir;

    /** Backdates every entry, so that the next use or write is newer than all of them. */
    private void age() throws Exception {
        long old = System.currentTimeMillis() - 60_000;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.setLastModifiedTime(f, FileTime.fromMillis(old -= 1_000));
            }
        }
    }

    @Test
    void shouldGiveBackWhatWasPut() throws Exception {
        DirectoryCache cache = new DirectoryCache(dir, 1 << 20);
        assertNull(cache.get("a"));
        cache.putIfAbsent("a", new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, cache.get("a"));
    }

    @Test
    void shouldDropTheEntryUsedLongestAgoPastItsBound() throws Exception {
        DirectoryCache cache = new DirectoryCache(dir, 2500); // room for two entries of 1,000 bytes
        cache.putIfAbsent("first", new byte[1000]);
        cache.putIfAbsent("second", new byte[1000]);
        age();
        cache.get("first"); // used again: now the second is the one used longest ago
        cache.putIfAbsent("third", new byte[1000]);
        assertNotNull(cache.get("first"));
        assertNull(cache.get("second"));
        assertNotNull(cache.get("third"));
    }

    @Test
    void shouldKeepAnEntryLargerThanTheBoundItJustWrote() throws Exception {
        DirectoryCache cache = new DirectoryCache(dir, 100);
        cache.putIfAbsent("big", new byte[1000]);
        assertNotNull(cache.get("big"));
    }
}
