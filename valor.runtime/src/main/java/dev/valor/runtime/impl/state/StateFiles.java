package dev.valor.runtime.impl.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.osgi.framework.BundleContext;

/**
 * Where the runtime keeps its state (registrations, uploads, a fleet node's copies) and the one way
 * it writes a file there: whole or not at all, and on disk before it is acknowledged.
 */
public final class StateFiles {

    /** Framework property: where the runtime keeps its state. */
    public static final String STATE_DIR = "valor.state.dir";

    private StateFiles() {}

    /** The state folder: the framework property's, else one in this bundle's data area. */
    public static Path folder(BundleContext context) {
        String dir = context.getProperty(STATE_DIR);
        Path state = dir == null || dir.isBlank() ? context.getDataFile("state").toPath() : Paths.get(dir);
        return state.toAbsolutePath().normalize();
    }

    /**
     * Writes the file through a temporary one beside it ({@code tempPrefix...tempSuffix}), forced
     * to disk and then renamed over it: a crash leaves the old file or the new one, never half of
     * one, and what a caller acknowledges survives it. The folder is made if it is missing.
     */
    public static void write(Path file, String tempPrefix, String tempSuffix, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), tempPrefix, tempSuffix);
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The last segment of a file name a client or the fleet gave, with anything but letters,
     * digits, '.', '_' and '-' replaced by '_': safe to use inside the state folder.
     */
    public static String safeName(String given) {
        String last = given.substring(Math.max(given.lastIndexOf('/'), given.lastIndexOf('\\')) + 1);
        return last.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
