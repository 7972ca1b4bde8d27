package dev.valor.js.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The forms values cross the Java-JavaScript boundary in. */
class JsWireTest {

    @Test
    void shouldCarryEveryByteAsOneChar() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        assertEquals(256, JsWire.latin1(all).length());
        assertArrayEquals(all, JsWire.bytes(JsWire.latin1(all)));
    }

    @Test
    void shouldEncodeALoneSurrogateAsTextEncoderDoes() {
        assertArrayEquals(new byte[] {'a', (byte) 0xEF, (byte) 0xBF, (byte) 0xBD}, JsWire.utf8("a\uD800"));
    }

    @Test
    void shouldRefuseAHeaderTextWithANulInsideAField() {
        assertTrue(JsWire.wellFormed("", 0));
        assertTrue(JsWire.wellFormed("a\0b", 2));
        assertTrue(JsWire.wellFormed("a\0b\0c\0d", 4));
        assertFalse(JsWire.wellFormed("a\0b\0x", 2)); // "b\0x" was one value
    }
}
