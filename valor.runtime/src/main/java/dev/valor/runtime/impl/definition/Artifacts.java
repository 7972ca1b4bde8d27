package dev.valor.runtime.impl.definition;

import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** Finds the artifact a definition's {@code path} names. */
public final class Artifacts {

    private Artifacts() {}

    /**
     * The path as written, relative to {@code base}; for a jar also with {@code .jar} added; then by
     * name in the plugins folder (for native plugins, {@code with_state} finds {@code plugins/with_state.jar}).
     *
     * @throws PluginException naming every place it looked
     */
    public static Path find(Path base, Path pluginsDir, PluginDefinition def) throws PluginException {
        String path = def.path();
        Path given = Paths.get(path);
        List<Path> candidates = new ArrayList<>();
        Path relative = given.isAbsolute() ? given : base.resolve(given);
        candidates.add(relative);
        // Extensions are tried only when the path has none of its type's.
        List<String> extensions = def.type().extensions().stream().anyMatch(path::endsWith)
                ? List.of()
                : def.type().extensions();
        for (String extension : extensions) {
            candidates.add(Paths.get(relative + extension));
        }
        if (pluginsDir != null && !given.isAbsolute()) {
            candidates.add(pluginsDir.resolve(given));
            for (String extension : extensions) {
                candidates.add(pluginsDir.resolve(path + extension));
            }
        }
        List<Path> tried = new ArrayList<>();
        for (Path candidate : candidates) {
            Path c = candidate.toAbsolutePath().normalize();
            if (Files.isRegularFile(c)) {
                return c;
            }
            if (!tried.contains(c)) {
                tried.add(c);
            }
        }
        throw new PluginException(
                "no " + def.type().id() + " artifact for path '" + path + "' (looked for " + tried + ")");
    }
}
