package dev.valor.launcher;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractOutputStreamAppender;

/**
 * Flushes the Log4j 2 appenders that do not flush at each line (var/log/access.log's, with
 * {@code immediateFlush="false"} in conf/log4j2-files.xml) every {@value #PERIOD_MS} ms and once
 * more when the runtime stops. Flushed at each line, the access log held the Java hello to 38.9k
 * req/s, in batches 47.7k (docs/benchmarks.md); a line waits at most a period to be written.
 */
final class BufferedLogs {

    static final long PERIOD_MS = 100;

    private static ScheduledExecutorService flusher;

    private BufferedLogs() {}

    /** Starts flushing by time; Log4j 2 must be the logging provider. */
    static synchronized void start() {
        if (flusher != null) {
            return;
        }
        flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "valor-log-flush");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(BufferedLogs::flush, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Writes out what is buffered; a no-op when flushing by time was not started. */
    static synchronized void flush() {
        if (flusher == null) {
            return;
        }
        for (Appender appender : LoggerContext.getContext(false)
                .getConfiguration()
                .getAppenders()
                .values()) {
            if (appender instanceof AbstractOutputStreamAppender<?> out && !out.getImmediateFlush()) {
                out.getManager().flush();
            }
        }
    }
}
