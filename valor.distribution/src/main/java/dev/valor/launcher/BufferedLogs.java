package dev.valor.launcher;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractOutputStreamAppender;

/**
 * Writes the logs in batches, every {@value #PERIOD_MS} ms and once more when the runtime stops:
 * stderr when it is not the shell's terminal (slf4j-simple and Log4j's Console appender both flush
 * at each line), and the Log4j 2 appenders that do not flush at each line (var/log/access.log's,
 * {@code immediateFlush="false"} in conf/log4j2-files.xml). Flushed at each line, the access log
 * held the Java hello to 38.9k req/s in a file, in batches 47.7k (docs/benchmarks.md); a line
 * waits at most a period to be written.
 */
final class BufferedLogs {

    static final long PERIOD_MS = 100;

    /** As Log4j's file appender buffers: a burst past it is written at once, not held. */
    private static final int BUFFER_BYTES = 64 * 1024;

    private static final List<Runnable> flushes = new CopyOnWriteArrayList<>();
    private static ScheduledExecutorService flusher;

    private BufferedLogs() {}

    /** From here {@link System#err} is written in batches; to call before anything logs. */
    static synchronized void batchStderr() {
        Batched err = new Batched(new FileOutputStream(FileDescriptor.err), stderrCharset());
        System.setErr(err);
        byTime(err::drain);
    }

    /** Flushes the Log4j 2 appenders that do not flush at each line; Log4j must be the logging provider. */
    static synchronized void log4jAppenders() {
        byTime(BufferedLogs::flushLog4j);
    }

    private static void byTime(Runnable flush) {
        flushes.add(flush);
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

    /** Writes out what is buffered; a no-op when nothing is written in batches. */
    static void flush() {
        flushes.forEach(Runnable::run);
    }

    private static void flushLog4j() {
        for (Appender appender : LoggerContext.getContext(false)
                .getConfiguration()
                .getAppenders()
                .values()) {
            if (appender instanceof AbstractOutputStreamAppender<?> out && !out.getImmediateFlush()) {
                out.getManager().flush();
            }
        }
    }

    /** The encoding the JVM gave stderr (JDK 19+ names it; before, the platform's). */
    private static Charset stderrCharset() {
        for (String name : List.of("stderr.encoding", "sun.stderr.encoding", "native.encoding")) {
            String value = System.getProperty(name);
            if (value != null && Charset.isSupported(value)) {
                return Charset.forName(value);
            }
        }
        return Charset.defaultCharset();
    }

    /** A stream its writers' flush does not write out: {@link #drain} does, by time. */
    private static final class Batched extends PrintStream {

        Batched(FileOutputStream fd, Charset charset) {
            super(new BufferedOutputStream(fd, BUFFER_BYTES), false, charset);
        }

        @Override
        public void flush() {
            // by time: a flush a line was a write a line
        }

        /** Under the stream's lock, so a line being printed goes out whole. */
        void drain() {
            super.flush();
        }
    }
}
