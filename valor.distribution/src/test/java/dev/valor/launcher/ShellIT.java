package dev.valor.launcher;

import static dev.valor.launcher.RunningDistribution.freePort;
import static dev.valor.launcher.RunningDistribution.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Gogo shell as a user at a terminal meets it: bin/valor run on a pseudo-terminal (util-linux's
 * {@code script}), its output piped on as {@code bin/valor | tee} does.
 */
class ShellIT {

    /** The terminal's output so far, read as it comes; completes a wait once a text appears. */
    private static final class Screen {
        private final StringBuffer text = new StringBuffer();

        Screen(InputStream in) {
            CompletableFuture.runAsync(() -> {
                byte[] buf = new byte[4096];
                try {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (this) {
                            text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                            notifyAll();
                        }
                    }
                } catch (java.io.IOException e) {
                    // the terminal closed
                }
            });
        }

        /** Waits until the output after {@code from} holds {@code expected}; returns where it ends. */
        synchronized int await(String expected, int from) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int at;
            while ((at = text.indexOf(expected, from)) < 0) {
                long left = deadline - System.nanoTime();
                assertTrue(left > 0, "waited for '" + expected + "'; the terminal shows: " + text);
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return at + expected.length();
        }

        synchronized String since(int from) {
            return text.substring(from);
        }
    }

    @Test
    void shouldOpenTheShellAfterTheReadyLineWithItsOutputPipedAndKeepTheAccessLogOffTheTerminal() throws Exception {
        Path dist = UnpackedDistribution.copy();
        Files.writeString(
                dist.resolve("deploy/hi.js"),
                "self.onmessage = () => postMessage({ status: 200, headers: [], body: 'hi' });\n");
        int port = freePort();
        String valor = dist.resolve("bin/valor") + " --port " + port;
        Process terminal = new ProcessBuilder("script", "-qfec", valor + " | cat", "/dev/null")
                .redirectErrorStream(true)
                .start();
        Screen screen = new Screen(terminal.getInputStream());
        OutputStream keys = terminal.getOutputStream();
        try {
            int ready = screen.await("Valor serving on http://127.0.0.1:" + port + "/", 0);
            int prompt = screen.await("g! ", ready);
            assertTrue(screen.since(0).indexOf("g! ") >= ready, "no prompt before the ready line");
            for (int i = 0; i < 3; i++) {
                assertEquals("200 hi", get(port, "/hi"));
            }
            keys.write("valor:list\n".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            int listed = screen.await("g! ", screen.await("hi ", prompt));
            String shown = screen.since(ready);
            assertFalse(shown.contains("path=/hi"), "no access line on the terminal: " + shown);
            assertFalse(shown.contains("[INFO]"), "no log line after the prompt: " + shown);
            assertTrue(
                    screen.since(0).contains(dist.resolve("var/log/access.log").toString()),
                    "says where the access log is");
            // Written in batches, flushed by time: there within a few periods without a stop.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (accessLines(dist, "path=/hi ") < 3 && System.nanoTime() < until) {
                Thread.sleep(BufferedLogs.PERIOD_MS);
            }
            assertEquals(3, accessLines(dist, "path=/hi "), Files.readString(dist.resolve("var/log/access.log")));
            assertTrue(Files.readString(dist.resolve("var/log/valor.log")).contains("Plugin hi deployed"));
            assertEquals("200 hi", get(port, "/hi/last"));
            keys.write(3); // Ctrl-C
            keys.flush();
            assertTrue(terminal.waitFor(20, TimeUnit.SECONDS), "stopped on Ctrl-C: " + screen.since(listed));
            assertEquals(1, accessLines(dist, "path=/hi/last "), "the last line is flushed at the stop");
        } finally {
            terminal.destroyForcibly();
        }
    }

    @Test
    void shouldSayWhyThereIsNoShellWhenStdinIsNotATerminal() throws Exception {
        int port = freePort();
        Process valor = new ProcessBuilder(
                        UnpackedDistribution.DIST.resolve("bin/valor").toString(), "--port", "" + port)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            Screen out = new Screen(valor.getInputStream());
            int ready = out.await("Valor serving on ", 0);
            out.await("No Gogo shell: stdin is not a terminal", ready);
        } finally {
            valor.destroy();
            assertTrue(valor.waitFor(10, TimeUnit.SECONDS));
        }
    }

    private static long accessLines(Path dist, String containing) throws java.io.IOException {
        return Files.readString(dist.resolve("var/log/access.log"))
                .lines()
                .filter(l -> l.contains(containing))
                .count();
    }
}
