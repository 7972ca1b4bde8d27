package dev.valor.launcher;

import static dev.valor.launcher.RunningDistribution.awaitReadyLine;
import static dev.valor.launcher.RunningDistribution.freePort;
import static dev.valor.launcher.RunningDistribution.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/valor new}, as a plugin author uses it: each kind's starter is made in a folder of its
 * own, outside this source tree, built by the one command its README gives (running its own test
 * where the kind has a runner), deployed into a distribution and called.
 */
class StartersIT {

    /** Maven for the Java starter: the one running this build, with a local repository of its own. */
    private static final String MVN = System.getProperty("valor.mvn", "mvn");

    /** Each kind, the command its README gives, and the artifact that command leaves. */
    private record Kind(String name, List<String> build, String artifact) {}

    @Test
    void shouldMakeAStarterOfEveryKindThatBuildsOnItsOwnAndServes() throws Exception {
        Path dist = UnpackedDistribution.copy();
        Path work = Files.createTempDirectory("valor-starters-");
        List<Kind> kinds = List.of(
                // A local repository of its own: valor.api comes from the distribution's kits/java, not this build.
                new Kind(
                        "java",
                        List.of(MVN, "-B", "-q", "package", "-Dmaven.repo.local=" + work.resolve("m2")),
                        "target/hi_java.jar"),
                new Kind("js", List.of("node", "--test"), "hi_js.js"),
                new Kind("js-module", List.of("node", "--test"), "hi_js_module.mjs"),
                new Kind("c", List.of("make"), "hi_c.wasm"),
                new Kind(
                        "assemblyscript",
                        List.of("npm", "install", "--no-audit", "--no-fund"),
                        "hi_assemblyscript.wasm"),
                new Kind("rust", List.of("make"), "hi_rust.wasm"));
        Map<String, String> made = new LinkedHashMap<>();
        for (Kind kind : kinds) {
            String name = "hi_" + kind.name().replace('-', '_');
            Path dir = work.resolve(name);
            String said = run(work, dist.resolve("bin/valor").toString(), "new", kind.name(), name, dir.toString());
            assertTrue(said.contains("Made " + kind.name() + " plugin " + name), said);
            assertTrue(Files.isRegularFile(dir.resolve("README.md")), kind.name() + " has a README");
            String readme = Files.readString(dir.resolve("README.md"));
            assertTrue(readme.contains(Starter.KINDS.get(kind.name())), kind + "'s README gives its build: " + readme);
            String output = run(dir, kind.build().toArray(String[]::new));
            if (kind.build().get(0).equals("node")) {
                assertTrue(output.contains("# pass 2") && output.contains("# fail 0"), output);
            }
            if (kind.name().equals("java")) {
                assertTrue(
                        Files.readString(dir.resolve("target/surefire-reports/com.example." + name + ".PluginTest.txt"))
                                .contains("Tests run: 2, Failures: 0, Errors: 0"),
                        "the Java starter's own test ran");
            }
            Path artifact = dir.resolve(kind.artifact());
            Files.copy(artifact, dist.resolve("deploy").resolve(artifact.getFileName()));
            made.put(kind.name(), name);
        }
        int port = freePort();
        Process valor = new ProcessBuilder(dist.resolve("bin/valor").toString(), "--port", Integer.toString(port))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .start();
        try {
            String ready = awaitReadyLine(valor);
            assertTrue(ready.startsWith("Valor serving on "), ready);
            for (Map.Entry<String, String> e : made.entrySet()) {
                assertEquals("200 Hello, Ann!", get(port, "/" + e.getValue() + "?who=Ann"), e.getKey());
                assertEquals("200 Hello, world!", get(port, "/" + e.getValue()), e.getKey());
            }
        } finally {
            valor.destroy();
            assertTrue(valor.waitFor(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldRefuseAnUnknownKindABadNameAndAFolderInUse() throws Exception {
        Path dist = UnpackedDistribution.DIST;
        Path work = Files.createTempDirectory("valor-starters-");
        Process unknown = run(work, List.of(dist.resolve("bin/valor").toString(), "new", "cobol", "x"));
        assertEquals(2, unknown.exitValue());
        String err = new String(unknown.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(err.contains("no starter for 'cobol'") && err.contains("java, js, js-module"), err);
        Process badName = run(work, List.of(dist.resolve("bin/valor").toString(), "new", "js", "Hi-There"));
        assertEquals(2, badName.exitValue());
        Files.writeString(Files.createDirectories(work.resolve("taken")).resolve("keep.txt"), "mine");
        Process taken = run(work, List.of(dist.resolve("bin/valor").toString(), "new", "c", "taken"));
        assertEquals(1, taken.exitValue());
        assertEquals("mine", Files.readString(work.resolve("taken/keep.txt")), "nothing of the folder is touched");
    }

    private static Process run(Path dir, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " did not finish");
        return p;
    }

    /** Runs a command to its end; its output, or a failure with it. */
    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), List.of(command) + " did not finish");
        assertEquals(0, p.exitValue(), List.of(command) + " in " + dir + ": " + out);
        return out;
    }
}
