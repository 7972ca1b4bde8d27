package dev.valor.sandbox.internal.log;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;

/**
 * A sandboxed plugin's log, the same for every kind: lines under the plugin's name, at the level
 * it gives (0 debug, 1 info, 2 warn, 3 error; a level outside that range counts as the nearest).
 */
public final class PluginLog {

    /** The longest line kept: the rest of a longer one is dropped, so a plugin cannot fill the heap. */
    public static final int MAX_LINE = 8 * 1024;

    private final Logger log;
    private final String plugin;

    public PluginLog(Logger log, String plugin) {
        this.log = log;
        this.plugin = plugin;
    }

    public void line(int level, String message) {
        if (level <= 0) {
            log.debug("[{}] {}", plugin, message);
        } else if (level == 1) {
            log.info("[{}] {}", plugin, message);
        } else if (level == 2) {
            log.warn("[{}] {}", plugin, message);
        } else {
            log.error("[{}] {}", plugin, message);
        }
    }

    /**
     * What the plugin writes to a stream (WASI's stdout, a context's output), line by line at
     * info, decoded as UTF-8 once a line is whole.
     *
     * @param stream named in each line ({@code "[plugin] stderr: ..."}), or null for none
     */
    public Lines lines(String stream) {
        return new Lines(stream == null ? "" : stream + ": ");
    }

    /** A stream of lines into the log; flushing or closing it never fails. */
    public final class Lines extends OutputStream {
        private final String label;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        private Lines(String label) {
            this.label = label;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                flushLine();
            } else if (line.size() < MAX_LINE) {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void flush() {
            if (line.size() > 0) {
                flushLine();
            }
        }

        @Override
        public void close() {
            flush();
        }

        private void flushLine() {
            log.info(
                    "[{}] {}{}",
                    plugin,
                    label,
                    line.toString(StandardCharsets.UTF_8).stripTrailing());
            line.reset();
        }
    }
}
