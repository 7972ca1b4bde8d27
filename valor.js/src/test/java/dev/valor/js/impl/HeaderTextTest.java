package dev.valor.js.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.valor.api.Headers;
import org.junit.jupiter.api.Test;

class HeaderTextTest {

    @Test
    void shouldCarryHeadersInOrderThroughOneString() {
        Headers h = Headers.builder()
                .add("content-type", "text/plain")
                .add("x-empty", "")
                .add("set-cookie", "a=1")
                .add("set-cookie", "b=2")
                .build();
        String text = JsWire.headerText(h);
        assertEquals("content-type\0text/plain\0x-empty\0\0set-cookie\0a=1\0set-cookie\0b=2", text);
        Headers back = JsWire.headers(text);
        assertEquals(4, back.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(h.name(i), back.name(i));
            assertEquals(h.value(i), back.value(i));
        }
    }

    @Test
    void shouldReadNoHeadersFromAnEmptyString() {
        assertEquals("", JsWire.headerText(Headers.builder().build()));
        assertEquals(0, JsWire.headers("").size());
    }

    @Test
    void shouldKeepAnEmptyLastValue() {
        Headers back = JsWire.headers("x-last\0");
        assertEquals(1, back.size());
        assertEquals("", back.value(0));
    }
}
