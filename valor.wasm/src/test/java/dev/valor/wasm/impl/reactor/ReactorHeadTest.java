package dev.valor.wasm.impl.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReactorHeadTest {

    @Test
    void shouldWriteTheRequestHeadAsTheAbiDefinesIt() {
        Request r = Request.builder("POST", "/a b").rawPath("/a%20b").rawQuery("x=1")
                .headers(Headers.of("Host", "h", "X-Tag", "1", "x-tag", "2")).build();
        assertEquals("POST /a%20b?x=1\nHost: h\nX-Tag: 1\nx-tag: 2\n",
                new String(ReactorPlugin.head(r), StandardCharsets.UTF_8));
        assertEquals("GET /\n", new String(ReactorPlugin.head(Request.builder("GET", "/").build()), StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadTheResponseHead() {
        Response r = ReactorPlugin.response("201 Created\ncontent-type: a/b\r\nx-n:  v \n".getBytes(StandardCharsets.UTF_8),
                "body".getBytes(StandardCharsets.UTF_8));
        assertEquals(201, r.status());
        assertEquals("a/b", r.header("content-type"));
        assertEquals("v", r.header("x-n"));
        assertEquals("body", r.bodyText());
    }

    @Test
    void shouldRefuseAHeadWithoutStatusOrWithABadLine() {
        assertThrows(IllegalStateException.class, () -> ReactorPlugin.response("ok\n".getBytes(), new byte[0]));
        assertThrows(IllegalStateException.class, () -> ReactorPlugin.response("200\nno colon\n".getBytes(), new byte[0]));
    }
}
