package dev.valor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.SubmissionPublisher;
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
    void shouldKeepAStreamedBodyThroughDerivedAnswers() {
        SubmissionPublisher<ByteBuffer> body = new SubmissionPublisher<>();
        Response r = Response.stream(200, Headers.of("content-type", "text/event-stream"), body);
        Response derived = r.withHeader("x-a", "1").withStatus(201).withHeaderSet("x-b", "2");
        assertTrue(derived.isStreamed());
        assertSame(body, derived.streamedBody());
        assertTrue(derived.body().isEmpty());
        assertFalse(Response.text("hi").isStreamed());
        assertNull(Response.text("hi").streamedBody());
        body.close();
    }

    @Test
    void shouldRejectImpossibleStatus() {
        assertThrows(IllegalArgumentException.class, () -> Response.status(42));
    }
}
