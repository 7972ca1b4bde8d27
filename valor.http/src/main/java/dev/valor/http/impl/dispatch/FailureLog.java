package dev.valor.http.impl.dispatch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of plugins' failures, kept readable and cheap when a plugin fails on every request. Per
 * plugin, the first {@value #IN_FULL} failures of a ten-second window are logged in full; the rest
 * are counted and summed up in one line when the window closes (each request's status and id stay
 * in the access log). Printing a stack trace per failure let one plugin that throws on every
 * request fill the disk and hold the log's lock against every other request (measured: 2,300
 * traces, 98,000 lines in five seconds of the misbehaving-plugins test).
 */
final class FailureLog {

    static final int IN_FULL = 3;
    static final long WINDOW_MS = 10_000;

    private final Logger log;
    private final long windowMs;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    FailureLog(Logger log, long windowMs) {
        this.log = log;
        this.windowMs = windowMs;
    }

    FailureLog() {
        this(LoggerFactory.getLogger(Invocation.class), WINDOW_MS);
    }

    /** Logs one failure of a plugin (an slf4j warning): in full while its window allows, else only counted. */
    void failed(String plugin, String format, Object... arguments) {
        if (!log.isWarnEnabled()) {
            return;
        }
        while (true) {
            Window window = windows.computeIfAbsent(
                    plugin, p -> new Window(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(windowMs)));
            int admitted = window.admit();
            if (admitted > 0) {
                log.warn(format, arguments);
            }
            if (admitted >= 0) {
                return;
            }
            windows.remove(plugin, window); // closed by a flush just now: count into a new one
        }
    }

    /** Sums up the windows that have closed; called about once a second. Never throws. */
    void flush() {
        flush(false);
    }

    /** Sums up every window, closed or not: when the router stops. */
    void flushAll() {
        flush(true);
    }

    private void flush(boolean all) {
        long now = System.nanoTime();
        for (Map.Entry<String, Window> e : windows.entrySet()) {
            try {
                int unlogged = e.getValue().close(now, all);
                if (unlogged < 0) {
                    continue;
                }
                // only this window: a failure may have put a new one in its place since it closed
                windows.remove(e.getKey(), e.getValue());
                if (unlogged > 0) {
                    log.warn(
                            "Plugin {} failed {} more times in its {} ms window; those failures were not logged "
                                    + "in full (each request's status is in the access log)",
                            e.getKey(),
                            unlogged,
                            windowMs);
                }
            } catch (RuntimeException ex) { // a broken log must not stop the summaries for good
                windows.remove(e.getKey(), e.getValue());
            }
        }
    }

    /** One plugin's failures since the window began. */
    private static final class Window {
        private final long end;
        private int failures; // guarded by this
        private boolean closed; // guarded by this

        Window(long end) {
            this.end = end;
        }

        /** 1: log it in full, 0: counted, -1: the window is closed. */
        synchronized int admit() {
            if (closed) {
                return -1;
            }
            return ++failures <= IN_FULL ? 1 : 0;
        }

        /** How many failures went unlogged, once the window is over or closing anyway (then it takes no more), else -1. */
        synchronized int close(long now, boolean anyway) {
            if (!anyway && now - end < 0) {
                return -1;
            }
            closed = true;
            return Math.max(0, failures - IN_FULL);
        }
    }
}
