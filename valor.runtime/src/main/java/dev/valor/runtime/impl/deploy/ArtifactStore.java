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
import java.util.HexFormat;

/**
 * Private, content-addressed copies of artifacts: a handler reads a file nobody can change under
 * it (a copy still being written into deploy/, a file replaced mid-read), and equal content is
 * recognised by its hash.
 */
final class ArtifactStore {

    private final Path dir;

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
            Files.move(temp, stored, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
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
}
