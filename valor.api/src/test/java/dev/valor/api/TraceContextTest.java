package dev.valor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** traceparent as W3C Trace Context writes it. */
class TraceContextTest {

    private static final String GIVEN = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void shouldKeepTheTraceAndFlagsAndChangeTheParentForACall() {
        String child = TraceContext.child(GIVEN);
        assertTrue(TraceContext.valid(child));
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceContext.traceId(child));
        assertTrue(child.endsWith("-01"));
        assertNotEquals(GIVEN, child);
    }

    @Test
    void shouldRefuseWhatTheSpecRefusesAndStartANewTraceInstead() {
        for (String bad : new String[] {
            null,
            "",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // an unknown version: not parsed here
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01", // not hex
            "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01", // not a dash between
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0-" // a dash among the digits
        }) {
            assertFalse(TraceContext.valid(bad), String.valueOf(bad));
            assertNull(TraceContext.traceId(bad));
            assertTrue(TraceContext.valid(TraceContext.child(bad)));
        }
        assertTrue(TraceContext.valid(TraceContext.start()));
        assertNotEquals(TraceContext.traceId(TraceContext.start()), TraceContext.traceId(TraceContext.start()));
    }
}
