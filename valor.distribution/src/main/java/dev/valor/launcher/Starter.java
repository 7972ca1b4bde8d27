package dev.valor.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code valor new KIND NAME [DIR]}: a plugin project of one kind, copied from the distribution's
 * {@code kits/starters/KIND} with its name and this distribution's paths filled in, that builds on
 * its own, outside any Valor source tree.
 */
final class Starter {

    /** Each kind and the one command that builds (and, where the kind has a runner, tests) it. */
    static final Map<String, String> KINDS = kinds();

    static final String USAGE = "Usage: valor new KIND NAME [DIR]   (KIND: " + String.join(", ", KINDS.keySet())
            + "; NAME: lower case letters, digits and _, starting with a letter; DIR: ./NAME)";

    /** A name every kind can carry: a Java package segment, a crate, a C file, a plugin name. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private Starter() {}

    private static Map<String, String> kinds() {
        Map<String, String> kinds = new LinkedHashMap<>();
        kinds.put("java", "mvn -q package");
        kinds.put("js", "node --test");
        kinds.put("js-module", "node --test");
        kinds.put("c", "make");
        kinds.put("assemblyscript", "npm install");
        kinds.put("rust", "make");
        return Collections.unmodifiableMap(kinds); // in this order in the usage
    }

    /** Exit codes as the launcher's: 0 made, 1 it could not be made, 2 a bad command line. */
    static int run(Path home, List<String> args, PrintStream out, PrintStream err) {
        if (args.size() < 2 || args.size() > 3) {
            err.println(USAGE);
            return 2;
        }
        String kind = args.get(0);
        String name = args.get(1);
        if (!KINDS.containsKey(kind)) {
            err.println("valor new: no starter for '" + kind + "'");
            err.println(USAGE);
            return 2;
        }
        if (!NAME.matcher(name).matches()) {
            err.println("valor new: '" + name + "' is not a starter name");
            err.println(USAGE);
            return 2;
        }
        Path dir = Paths.get(args.size() == 3 ? args.get(2) : name)
                .toAbsolutePath()
                .normalize();
        Path template = home.resolve("kits/starters").resolve(kind);
        try {
            if (!Files.isDirectory(template)) {
                err.println("valor new: this distribution lacks " + template);
                return 1;
            }
            if (Files.exists(dir) && (!Files.isDirectory(dir) || !isEmpty(dir))) {
                err.println("valor new: " + dir + " already exists and is not an empty folder");
                return 1;
            }
            copy(template, dir, values(name, home));
            if (kind.equals("assemblyscript")) {
                // AssemblyScript imports by relative path: the project carries its copy of the kit.
                Files.copy(home.resolve("kits/assemblyscript/valor.ts"), dir.resolve("valor.ts"));
            }
        } catch (IOException | UncheckedIOException e) {
            err.println("valor new: cannot write " + dir + ": " + e.getMessage());
            return 1;
        }
        out.println("Made " + kind + " plugin " + name + " in " + dir);
        out.println("Build it: cd " + dir + " && " + KINDS.get(kind) + "   (" + dir.resolve("README.md")
                + " says how to deploy it)");
        return 0;
    }

    /** What a starter's placeholders stand for, in its files and their paths. */
    static Map<String, String> values(String name, Path home) throws IOException {
        return Map.of(
                "__NAME__",
                name,
                "__PACKAGE__",
                "com.example." + name,
                "__PACKAGE_PATH__",
                "com/example/" + name,
                "__VALOR_HOME__",
                home.toString(),
                "__VALOR_VERSION__",
                version());
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isEmpty();
        }
    }

    private static void copy(Path template, Path dir, Map<String, String> values) throws IOException {
        try (Stream<Path> files = Files.walk(template)) {
            for (Path source : files.toList()) {
                Path target = dir.resolve(fill(template.relativize(source).toString(), values));
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    String text = Files.readString(source, StandardCharsets.UTF_8);
                    Files.writeString(target, fill(text, values), StandardCharsets.UTF_8);
                }
            }
        }
    }

    static String fill(String text, Map<String, String> values) {
        for (Map.Entry<String, String> v : values.entrySet()) {
            text = text.replace(v.getKey(), v.getValue());
        }
        return text;
    }

    private static String version() throws IOException {
        Properties versions = new Properties();
        try (InputStream in = Starter.class.getResourceAsStream("versions.properties")) {
            versions.load(in);
        }
        return versions.getProperty("valor");
    }
}
