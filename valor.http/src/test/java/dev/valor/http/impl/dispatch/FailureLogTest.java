package dev.valor.http.impl.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.event.EventRecordingLogger;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.SubstituteLogger;

class FailureLogTest {

    private final ConcurrentLinkedQueue<SubstituteLoggingEvent> events = new ConcurrentLinkedQueue<>();
    private final FailureLog log =
            new FailureLog(new EventRecordingLogger(new SubstituteLogger("test", events, false), events), 200);

    private List<String> lines() {
        return events.stream()
                .map(e -> MessageFormatter.basicArrayFormat(e.getMessage(), e.getArgumentArray()))
                .collect(Collectors.toList());
    }

    @Test
    void shouldLogTheFirstFailuresInFullAndSumUpTheRestWhenTheWindowCloses() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        for (int i = 0; i < 1_000; i++) {
            log.failed("thrower", "Plugin {} failed on {}", "thrower", "GET /" + i, boom);
        }
        log.flush(); // the window is still open: nothing to sum up yet
        assertEquals(FailureLog.IN_FULL, events.size());
        assertSame(boom, events.peek().getThrowable(), "logged in full, with its trace");
        assertEquals("Plugin thrower failed on GET /0", lines().get(0));

        Thread.sleep(250);
        log.flush();
        assertEquals(FailureLog.IN_FULL + 1, events.size());
        String summary = lines().get(FailureLog.IN_FULL);
        assertTrue(summary.startsWith("Plugin thrower failed 997 more times in its 200 ms window"), summary);

        log.failed("thrower", "Plugin {} failed on {}", "thrower", "GET /again", boom);
        assertEquals(
                "Plugin thrower failed on GET /again",
                lines().get(FailureLog.IN_FULL + 1),
                "a new window logs in full again");
    }

    @Test
    void shouldSumUpWhatIsHeldBackWhenTheRouterStops() {
        for (int i = 0; i < 5; i++) {
            log.failed("a", "Plugin {} failed", "a");
        }
        log.flushAll();
        assertTrue(lines().get(FailureLog.IN_FULL).startsWith("Plugin a failed 2 more times"), lines().toString());
    }

    @Test
    void shouldCountEachPluginApart() {
        for (int i = 0; i < 10; i++) {
            log.failed("a", "Plugin {} failed", "a");
        }
        log.failed("b", "Plugin {} failed", "b");
        assertEquals(List.of("Plugin a failed", "Plugin a failed", "Plugin a failed", "Plugin b failed"), lines());
    }

    @Test
    void shouldSayNothingMoreWhenNoFailureWasHeldBack() throws Exception {
        log.failed("once", "Plugin {} failed", "once");
        Thread.sleep(250);
        log.flush();
        assertEquals(List.of("Plugin once failed"), lines());
        assertNull(events.stream().skip(1).findFirst().orElse(null));
    }
}
