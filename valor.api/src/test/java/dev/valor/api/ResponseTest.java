package dev.valor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ResponseTest {

    @Test
    void shouldMakeTextJsonAndStatusOnlyAnswers() {
        assertEquals("text/plain; charset=utf-8", Response.text("hi").header("Content-Type"));
        assertEquals("hi", Response.text("hi").bodyText());
        assertEquals(400, Response.text(400, "no").status());
        assertEquals("application/json", Response.json("{}").header("content-type"));
        assertEquals(204, Response.status(204).status());
        assertEquals(0, Response.status(204).body().length());
    }

    @Test
    void shouldDeriveWithoutChangingTheOriginal() {
        Response r = Response.text("hi");
        Response tagged = r.withHeader("x-a", "1").withStatus(201);
        assertEquals(1, r.headers().size());
        assertEquals(200, r.status());
        assertEquals("1", tagged.header("X-A"));
        assertEquals(201, tagged.status());
    }

    @Test
    void shouldRejectImpossibleStatus() {
        assertThrows(IllegalArgumentException.class, () -> Response.status(42));
    }
}
