package dev.valor.wasm.impl.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The heads a module and the host exchange, exactly as docs/wasm-abi.md writes them. */
class HeadsTest {

    @Test
    void shouldWriteTheRequestHeadAsTheAbiDefinesIt() {
        Request r = Request.builder("POST", "/a b")
                .rawPath("/a%20b")
                .rawQuery("x=1")
                .headers(Headers.of("Host", "h", "X-Tag", "1", "x-tag", "2"))
                .build();
        assertEquals(
                "POST /a%20b?x=1\nHost: h\nX-Tag: 1\nx-tag: 2\n", new String(Heads.request(r), StandardCharsets.UTF_8));
        assertEquals(
                "GET /\n", new String(Heads.request(Request.builder("GET", "/").build()), StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadTheResponseHead() {
        Response r = Heads.answer(
                "201 Created\ncontent-type: a/b\r\nx-n:  v \n".getBytes(StandardCharsets.UTF_8),
                "body".getBytes(StandardCharsets.UTF_8));
        assertEquals(201, r.status());
        assertEquals("a/b", r.header("content-type"));
        assertEquals("v", r.header("x-n"));
        assertEquals("body", r.bodyText());
    }

    @Test
    void shouldSplitTheHeadAtLineFeedsDroppingTheCarriageReturnBeforeOne() {
        assertEquals(
                java.util.List.of("200", "a: b", "c: d\re", "", ""),
                java.util.List.of(Heads.lines("200\r\na: b\nc: d\re\r\n\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals(java.util.List.of(""), java.util.List.of(Heads.lines(new byte[0])));
        assertEquals(
                java.util.List.of("", ""), java.util.List.of(Heads.lines("\r\n".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void shouldRefuseAHeadWithoutStatusOrWithABadLine() {
        assertThrows(IllegalStateException.class, () -> Heads.answer("ok\n".getBytes(), new byte[0]));
        assertThrows(IllegalStateException.class, () -> Heads.answer("200\nno colon\n".getBytes(), new byte[0]));
    }

    @Test
    void shouldReadAnOutboundRequestHeadWithItsUrl() {
        Heads.Fetch f = Heads.fetch("post https://api.example.com/v1?x\nx-a: 1\n\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("POST", f.method());
        assertEquals("https://api.example.com/v1?x", f.url());
        assertEquals("1", f.headers().first("x-a"));
        assertThrows(IllegalArgumentException.class, () -> Heads.fetch("GET\n".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> Heads.fetch("GET /x\nno colon\n".getBytes()));
    }

    @Test
    void shouldWriteAFetchedAnswersHead() {
        assertEquals(
                "404\ncontent-type: text/plain\n",
                new String(
                        Heads.response(Response.of(404, Headers.of("content-type", "text/plain"), new byte[0])),
                        StandardCharsets.UTF_8));
    }
}
