package dev.valor.wasm.impl.run;

import com.dylibso.chicory.compiler.Cache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Chicory's compiled classes on disk, keyed by what the compiler asks for (derived from the
 * module's bytes), so a restart or a redeploy of the same module does not compile it again.
 * Entries are written whole (temporary file, then rename) or not at all. The folder is bounded:
 * past {@code maxBytes}, the entries used longest ago are deleted (a use refreshes an entry).
 */
public final class DirectoryCache implements Cache {

    /** The bound when none is configured. */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;

    private static final String SUFFIX = ".bin";

    private final Path dir;
    private final long maxBytes;

    public DirectoryCache(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    @Override
    public byte[] get(String key) throws IOException {
        Path file = dir.resolve(fileName(key));
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis())); // used now
        return Files.readAllBytes(file);
    }

    @Override
    public void putIfAbsent(String key, byte[] data) throws IOException {
        Path file = dir.resolve(fileName(key));
        if (Files.exists(file)) {
            return;
        }
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".entry-", ".tmp");
        Files.write(temp, data);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        prune(file);
    }

    /** An entry as pruning sees it: read once, as files may go meanwhile. */
    private record Entry(Path path, long size, long usedMillis) {}

    /** Deletes the entries used longest ago until the folder is within its bound; never {@code keep}. */
    private synchronized void prune(Path keep) throws IOException {
        List<Entry> entries = new ArrayList<>();
        long total = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!f.getFileName().toString().endsWith(SUFFIX)) {
                    continue;
                }
                try {
                    Entry e = new Entry(
                            f, Files.size(f), Files.getLastModifiedTime(f).toMillis());
                    entries.add(e);
                    total += e.size();
                } catch (IOException gone) {
                    // deleted meanwhile
                }
            }
        }
        entries.sort(Comparator.comparingLong(Entry::usedMillis));
        for (Entry e : entries) {
            if (total <= maxBytes) {
                break;
            }
            if (!e.path().equals(keep) && Files.deleteIfExists(e.path())) {
                total -= e.size();
            }
        }
    }

    private static String fileName(String key) {
        try {
            return HexFormat.of()
                            .formatHex(
                                    MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)))
                    + SUFFIX;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
