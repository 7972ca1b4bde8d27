package dev.valor.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The browser kit in real Chromium: src/test/browser/browser.test.mjs (node's test runner,
 * playwright-core, Debian's chromium; scripts/setup.sh installs them) against a distribution
 * it starts and stops itself.
 */
class BrowserIT {

    private static final Path TESTS = Paths.get("src/test/browser").toAbsolutePath();

    @Test
    void shouldRunTheExamplePluginsInChromiumAsOnTheServer() throws Exception {
        assertTrue(
                Files.isDirectory(TESTS.resolve("node_modules/playwright-core")),
                "playwright-core is not installed: run scripts/setup.sh");
        Path dist = UnpackedDistribution.copy();
        ProcessBuilder node = new ProcessBuilder("node", "--test-reporter=spec", "browser.test.mjs", dist.toString())
                .directory(TESTS.toFile())
                .redirectErrorStream(true);
        node.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = node.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the browser tests ended");
        System.out.println(output);
        assertEquals(0, process.exitValue(), output);
    }
}
