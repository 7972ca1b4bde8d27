package dev.valor.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** The built distribution, and private copies of it as if a user unpacked it. */
final class UnpackedDistribution {

    static final Path DIST =
            Paths.get(System.getProperty("valor.dist", "target/valor")).toAbsolutePath();

    private UnpackedDistribution() {}

    /** A copy whose var/ and deploy/ are its own. */
    static Path copy() throws IOException {
        Path copy = Files.createTempDirectory("valor-dist-");
        try (Stream<Path> files = Files.walk(DIST)) {
            for (Path source : files.toList()) {
                Path relative = DIST.relativize(source);
                if (relative.startsWith("var")) {
                    continue;
                }
                Path target = copy.resolve(relative.toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return copy;
    }
}
