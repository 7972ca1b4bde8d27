package dev.valor.runtime.impl.deploy;

import dev.valor.api.plugin.PluginException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Private, content-addressed copies of artifacts: a handler reads a file nobody can change under
 * it (a copy still being written into deploy/, a file replaced mid-read), and equal content is
 * recognised by its hash. A copy lives as long as a version uses it: each {@link #store} is
 * matched by one {@link #release}, and the last release deletes the file.
 */
final class ArtifactStore {

    private final Path dir;
    private final Map<String, Integer> users = new HashMap<>(); // guarded by this

    ArtifactStore(Path dir) {
        this.dir = dir;
    }

    /** A stored artifact: where the copy is and the SHA-256 of its content. */
    record Stored(Path path, String sha256) {}

    Stored store(Path source) throws PluginException {
        String name = source.getFileName().toString();
        String extension = name.lastIndexOf('.') > 0 ? name.substring(name.lastIndexOf('.')) : "";
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "incoming-", extension);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(source), sha);
                    OutputStream out = Files.newOutputStream(temp)) {
                in.transferTo(out);
            }
            String hash = HexFormat.of().formatHex(sha.digest());
            Path stored = dir.resolve(hash + extension);
            synchronized (this) { // with the count: a last release cannot delete what this just put there
                Files.move(temp, stored, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                temp = null;
                users.merge(stored.getFileName().toString(), 1, Integer::sum);
            }
            return new Stored(stored, hash);
        } catch (NoSuchFileException e) {
            throw new PluginException("no such file: " + source);
        } catch (IOException e) {
            throw new PluginException("cannot read " + source + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp); // a copy that failed half way
                } catch (IOException e) {
                    // best effort: the folder is the runtime's scratch space
                }
            }
        }
    }

    /** One user fewer of the copy; the last one deletes it. */
    synchronized void release(Stored stored) {
        String name = stored.path().getFileName().toString();
        Integer left = users.computeIfPresent(name, (n, count) -> count > 1 ? count - 1 : null);
        if (left == null) {
            try {
                Files.deleteIfExists(stored.path());
            } catch (IOException e) {
                // best effort: the folder is the runtime's scratch space, cleared with the framework's storage
            }
        }
    }
}
