package dev.valor.http.impl.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorsTest {

    @Test
    void shouldEscapeQuotesAndControlCharacters() {
        String json = new String(Errors.body("bad \"x\"\n\\", "id-1"), StandardCharsets.UTF_8);
        assertEquals("{\"error\":\"bad \\\"x\\\"\\u000a\\\\\",\"requestId\":\"id-1\"}", json);
    }

    @Test
    void shouldKeepASafeClientRequestId() {
        assertEquals("abc-123_x.y:z", RequestIds.from("abc-123_x.y:z"));
    }

    @Test
    void shouldReplaceAnUnsafeOrMissingRequestIdWithAUuid() {
        String generated = RequestIds.from("evil\"\nid");
        assertTrue(generated.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), generated);
        assertNotEquals(RequestIds.from(null), RequestIds.from(null));
        assertTrue(RequestIds.from("x".repeat(129)).length() == 36);
    }
}
