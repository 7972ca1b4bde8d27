package dev.valor.wasm.impl.run;

import com.dylibso.chicory.compiler.Cache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Chicory's compiled classes on disk, keyed by what the compiler asks for (derived from the
 * module's bytes), so a restart or a redeploy of the same module does not compile it again.
 * Entries are written whole (temporary file, then rename) or not at all.
 */
public final class DirectoryCache implements Cache {

    private final Path dir;

    public DirectoryCache(Path dir) {
        this.dir = dir;
    }

    @Override
    public byte[] get(String key) throws IOException {
        Path file = dir.resolve(fileName(key));
        return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
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
    }

    private static String fileName(String key) {
        try {
            return HexFormat.of()
                            .formatHex(
                                    MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)))
                    + ".bin";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
