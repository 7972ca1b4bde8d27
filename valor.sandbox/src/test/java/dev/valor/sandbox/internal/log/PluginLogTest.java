package dev.valor.sandbox.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** What a plugin logs, as an operator reads it: whole lines, its name, its level, its characters. */
class PluginLogTest {

    private final Recorded recorded = new Recorded();
    private final PluginLog log = new PluginLog(recorded, "p");

    @Test
    void shouldKeepNonAsciiTextIntactEvenWhenItsBytesArriveOneByOne() throws Exception {
        OutputStream out = log.lines("stdout");
        byte[] text = "grüße, 日本語, 🙂\nsecond".getBytes(StandardCharsets.UTF_8);
        for (byte b : text) {
            out.write(b); // a multi-byte character split across writes, as a context prints it
        }
        out.write(text, 0, 4); // "gr" and both bytes of "ü"
        out.close();
        assertEquals(List.of("INFO [p] stdout: grüße, 日本語, 🙂", "INFO [p] stdout: secondgr\u00fc"), recorded.lines);
    }

    @Test
    void shouldWriteALineWithoutAStreamNameWhenNoneIsGiven() throws Exception {
        OutputStream out = log.lines(null);
        out.write("été\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("INFO [p] été"), recorded.lines);
    }

    @Test
    void shouldMapEveryLevelToTheNearestOfTheFour() {
        for (int level : new int[] {-1, 0, 1, 2, 3, 7}) {
            log.line(level, "m" + level);
        }
        assertEquals(
                List.of("DEBUG [p] m-1", "DEBUG [p] m0", "INFO [p] m1", "WARN [p] m2", "ERROR [p] m3", "ERROR [p] m7"),
                recorded.lines);
    }

    @Test
    void shouldCutALineLongerThanTheBound() throws Exception {
        OutputStream out = log.lines(null);
        out.write("x".repeat(PluginLog.MAX_LINE + 100).getBytes(StandardCharsets.US_ASCII));
        out.write('\n');
        assertEquals("INFO [p] " + "x".repeat(PluginLog.MAX_LINE), recorded.lines.get(0));
    }

    @Test
    void shouldWriteAtMostItsLinesASecondAndCountTheRest() throws Exception {
        AtomicLong now = new AtomicLong();
        PluginLog limited = new PluginLog(recorded, "loud", now::get);
        OutputStream out = limited.lines(null);
        for (int i = 0; i < PluginLog.MAX_LINES_PER_SECOND + 50; i++) {
            limited.line(1, "line " + i);
        }
        out.write("and printed\n".getBytes(StandardCharsets.UTF_8)); // the same bound for what it prints
        assertEquals(PluginLog.MAX_LINES_PER_SECOND, recorded.lines.size());
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        limited.line(1, "a second later");
        assertEquals(
                "WARN [loud] 51 lines not logged: more than " + PluginLog.MAX_LINES_PER_SECOND + " a second",
                recorded.lines.get(PluginLog.MAX_LINES_PER_SECOND));
        assertEquals("INFO [loud] a second later", recorded.lines.get(PluginLog.MAX_LINES_PER_SECOND + 1));
    }

    /** Keeps what is logged, as "LEVEL message". */
    private static final class Recorded extends AbstractLogger {
        private static final long serialVersionUID = 1L;
        final List<String> lines = new ArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(
                Level level, Marker marker, String pattern, Object[] args, Throwable t) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, args));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isTraceEnabled(Marker m) {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled(Marker m) {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled(Marker m) {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled(Marker m) {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled(Marker m) {
            return true;
        }
    }
}
