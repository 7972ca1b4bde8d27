package dev.valor.sandbox.internal.log;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A sandboxed plugin's log, the same for every kind: lines under the plugin's name, at the level
 * it gives (0 debug, 1 info, 2 warn, 3 error; a level outside that range counts as the nearest).
 * One per plugin: at most {@value #MAX_LINES_PER_SECOND} lines a second are written, the rest
 * counted and the count written once the next second begins, so a plugin logging in a loop cannot
 * fill the disk (as the router's failure log bounds plugin failures).
 */
public final class PluginLog {

    /** The longest line kept: the rest of a longer one is dropped, so a plugin cannot fill the heap. */
    public static final int MAX_LINE = 8 * 1024;

    /** The most lines a plugin's log writes in a second. */
    public static final int MAX_LINES_PER_SECOND = 200;

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final Logger log;
    private final String plugin;
    private final LongSupplier clock;
    private long second; // guarded by this: when the current second began
    private int written; // guarded by this: lines written in it
    private long dropped; // guarded by this: lines not written since the last count was

    public PluginLog(Logger log, String plugin) {
        this(log, plugin, System::nanoTime);
    }

    /** @param clock {@link System#nanoTime()}, or a test's */
    PluginLog(Logger log, String plugin, LongSupplier clock) {
        this.log = log;
        this.plugin = plugin;
        this.clock = clock;
        this.second = clock.getAsLong();
    }

    public void line(int level, String message) {
        if (admit()) {
            write(level, message);
        }
    }

    /** Whether a line may be written now; writes the count of those that were not, once a second. */
    private boolean admit() {
        long missed = 0;
        boolean admitted;
        synchronized (this) {
            long now = clock.getAsLong();
            if (now - second >= SECOND) {
                second = now;
                written = 0;
                missed = dropped;
                dropped = 0;
            }
            admitted = written < MAX_LINES_PER_SECOND;
            if (admitted) {
                written++;
            } else {
                dropped++;
            }
        }
        if (missed > 0) {
            log.warn("[{}] {} lines not logged: more than {} a second", plugin, missed, MAX_LINES_PER_SECOND);
        }
        return admitted;
    }

    private void write(int level, String message) {
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
            if (admit()) {
                log.info(
                        "[{}] {}{}",
                        plugin,
                        label,
                        line.toString(StandardCharsets.UTF_8).stripTrailing());
            }
            line.reset();
        }
    }
}
