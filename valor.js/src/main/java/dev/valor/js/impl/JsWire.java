package dev.valor.js.impl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.valor.api.Headers;
import dev.valor.api.kv.KeyValueStore;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * How values cross between Java and a plugin's context, in one place: the bootstrap
 * ({@code bootstrap/*.js}) writes and reads the same forms, and takes their codes from
 * {@link #codes()}, not from literals of its own.
 *
 * <ul>
 *   <li>Bytes cross as a string of one char per byte (Latin-1): one crossing, no array proxy.
 *       A body's bytes from the script cross as a {@code Uint8Array} instead ({@link #bytes(Value)}):
 *       one bulk copy, where making the string costs the script a step per byte.
 *   <li>Headers cross as one string, {@code name\0value\0name\0value}: HTTP fields hold no NUL,
 *       and the bootstrap refuses one, so a text with more NULs than its fields allow is refused.
 *   <li>An answer's body crosses in one of four forms ({@link #TEXT}, {@link #BYTES},
 *       {@link #TEXT_AS_GIVEN}, {@link #STREAM}).
 * </ul>
 */
final class JsWire {

    /** Text to encode as UTF-8, typed {@code text/plain; charset=utf-8} unless the answer says otherwise. */
    static final int TEXT = 0;
    /** Bytes, one char each. */
    static final int BYTES = 1;
    /** Text to encode as UTF-8, typed only as the answer says (a {@code Response} made from a string). */
    static final int TEXT_AS_GIVEN = 2;
    /** No body yet: it is a stream the worker reads after the head ({@code JsWorker#pump}). */
    static final int STREAM = 3;

    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private JsWire() {}

    /** The codes as the bootstrap reads them: {@code host.wire.TEXT}, ... */
    static ProxyObject codes() {
        return ProxyObject.fromMap(
                Map.of("TEXT", TEXT, "BYTES", BYTES, "TEXT_AS_GIVEN", TEXT_AS_GIVEN, "STREAM", STREAM));
    }

    static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A key-value page as JSON text: {@code {"keys": [{"name", "expiration"}], "cursor": ... | null}}. */
    static Object page(KeyValueStore.Page page) {
        ObjectNode root = JSON.objectNode();
        ArrayNode keys = root.putArray("keys");
        for (KeyValueStore.Key k : page.keys()) {
            keys.addObject().put("name", k.name()).put("expiration", k.expiration());
        }
        root.put("cursor", page.cursor());
        return root.toString();
    }

    /** A copy of a {@code Uint8Array}'s bytes, read from its ArrayBuffer in one go. */
    static byte[] bytes(Value view) {
        byte[] out = new byte[view.getMember("byteLength").asInt()];
        view.getMember("buffer").readBuffer(view.getMember("byteOffset").asLong(), out, 0, out.length);
        return out;
    }

    /** A body in the form the bootstrap gave it: a {@code Uint8Array} for {@link #BYTES}, else text. */
    static byte[] body(Value body, int form) {
        return form == BYTES ? bytes(body) : utf8(body.asString());
    }

    /** UTF-8 as TextEncoder writes it: U+FFFD for a lone surrogate, where String.getBytes writes '?'. */
    static byte[] utf8(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                try {
                    ByteBuffer out = StandardCharsets.UTF_8
                            .newEncoder()
                            .onMalformedInput(CodingErrorAction.REPLACE)
                            .replaceWith(REPLACEMENT)
                            .encode(CharBuffer.wrap(text));
                    byte[] bytes = new byte[out.remaining()];
                    out.get(bytes);
                    return bytes;
                } catch (CharacterCodingException e) {
                    throw new IllegalStateException(e); // REPLACE does not throw
                }
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Headers as they cross: {@code name\0value\0name\0value}. */
    static String headerText(Headers headers) {
        StringBuilder text = new StringBuilder();
        for (int i = 0, n = headers.size(); i < n; i++) {
            if (i > 0) {
                text.append('\0');
            }
            text.append(headers.name(i)).append('\0').append(headers.value(i));
        }
        return text.toString();
    }

    /**
     * Whether a header text of {@code fields} names and values holds no NUL inside a field: then it
     * holds exactly one fewer than its fields (a NUL inside one would split it in two on the way out).
     */
    static boolean wellFormed(String headerText, int fields) {
        int n = 0;
        for (int i = headerText.indexOf('\0'); i >= 0; i = headerText.indexOf('\0', i + 1)) {
            n++;
        }
        return n == Math.max(0, fields - 1);
    }

    /** The headers of {@link #headerText}'s form. */
    static Headers headers(String text) {
        Headers.Builder headers = Headers.builder();
        int at = 0;
        while (at < text.length()) {
            int nameEnd = text.indexOf('\0', at);
            if (nameEnd < 0) {
                break; // a name without a value: not of our making
            }
            int valueEnd = text.indexOf('\0', nameEnd + 1);
            if (valueEnd < 0) {
                valueEnd = text.length();
            }
            headers.add(text.substring(at, nameEnd), text.substring(nameEnd + 1, valueEnd));
            at = valueEnd + 1;
        }
        return headers.build();
    }
}
