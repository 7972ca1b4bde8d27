package dev.valor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestTest {

    @Test
    void shouldDecodeQueryParametersInOrderWithRepeats() {
        Request r = Request.builder("GET", "/x")
                .rawQuery("who=Bob+Smith&tag=a&tag=b%26c&empty&=v")
                .build();
        assertEquals("Bob Smith", r.queryParameter("who"));
        assertEquals(List.of("a", "b&c"), r.queryParameters().get("tag"));
        assertEquals("", r.queryParameter("empty"));
        assertEquals("who=Bob+Smith&tag=a&tag=b%26c&empty&=v", r.rawQuery());
    }

    @Test
    void shouldKeepMalformedEscapesAsSent() {
        Request r = Request.builder("GET", "/").rawQuery("q=100%&x=%zz").build();
        assertEquals("100%", r.queryParameter("q"));
        assertEquals("%zz", r.queryParameter("x"));
    }

    @Test
    void shouldHaveNoParametersWithoutAQuery() {
        Request r = Request.builder("GET", "").build();
        assertEquals(Map.of(), r.queryParameters());
        assertNull(r.queryParameter("who"));
        assertEquals("/", r.path());
        assertEquals(0, r.body().length());
    }

    @Test
    void shouldNotLetCallersChangeTheBody() {
        Request r = Request.builder("POST", "/").body("hi").build();
        r.body().bytes()[0] = 'X';
        assertEquals("hi", r.bodyText());
    }
}
