package dev.valor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeadersTest {

    @Test
    void shouldLookUpNamesIgnoringCaseAndKeepOrder() {
        Headers h = Headers.of("Accept", "a", "X-Tag", "1", "accept", "b");
        assertEquals("a", h.first("ACCEPT"));
        assertEquals(List.of("a", "b"), h.all("accept"));
        assertEquals(Set.of("Accept", "X-Tag"), h.names());
        assertEquals("accept", h.name(2));
        assertNull(h.first("missing"));
        assertEquals(List.of(), h.all("missing"));
    }

    @Test
    void shouldStayUnchangedWhenDerivingNewHeaders() {
        Headers h = Headers.of("a", "1");
        Headers more = h.with("b", "2").set("a", "3");
        assertEquals(1, h.size());
        assertEquals("1", h.first("a"));
        assertEquals("3", more.first("a"));
        assertEquals(2, more.size());
        assertEquals(0, more.without("A").without("b").size());
    }

    @Test
    void shouldRejectHeaderInjection() {
        assertThrows(IllegalArgumentException.class, () -> Headers.of("x", "a\r\nset-cookie: y"));
        assertThrows(IllegalArgumentException.class, () -> Headers.of("bad name", "v"));
        assertThrows(IllegalArgumentException.class, () -> Headers.of("odd"));
    }
}
