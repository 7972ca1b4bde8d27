package dev.valor.wasm.impl.wagi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.valor.api.Response;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CgiResponseTest {

    private static Response parse(String out) {
        return CgiResponse.parse(out.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadHeadersInAnyCaseAndTheBodyAfterTheBlankLine() {
        Response r = parse("Content-Type: text/html\nX-One: 1\n\n<p>hi</p>\n");
        assertEquals(200, r.status());
        assertEquals("text/html", r.header("content-type"));
        assertEquals("1", r.header("x-one"));
        assertEquals("<p>hi</p>\n", r.bodyText());
    }

    @Test
    void shouldTakeTheStatusHeaderAsTheStatusAndNotPassItOn() {
        Response r = parse("status: 404 Not Found\ncontent-type: text/plain\n\nnope");
        assertEquals(404, r.status());
        assertEquals(null, r.header("status"));
        assertEquals("nope", r.bodyText());
    }

    @Test
    void shouldRedirectWithLocationAndNoStatus() {
        Response r = parse("Location: /elsewhere\n\n");
        assertEquals(302, r.status());
        assertEquals("/elsewhere", r.header("location"));
        assertEquals(0, r.body().length());
    }

    @Test
    void shouldAcceptCrlf() {
        Response r = parse("content-type: text/plain\r\nStatus: 201\r\n\r\nbody\r\nline");
        assertEquals(201, r.status());
        assertEquals("body\r\nline", r.bodyText());
    }

    @Test
    void shouldAcceptHeadersWithoutABody() {
        assertEquals(204, parse("status: 204\n").status());
    }

    @Test
    void shouldRefuseOutputThatIsNotACgiResponse() {
        assertThrows(IllegalStateException.class, () -> parse("hello world\n\n"));
        assertThrows(IllegalStateException.class, () -> parse("status: abc\n\n"));
    }
}
