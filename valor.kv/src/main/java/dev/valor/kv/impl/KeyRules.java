package dev.valor.kv.impl;

import dev.valor.api.kv.KeyValueException;
import dev.valor.api.kv.KeyValueException.Reason;
import dev.valor.api.kv.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** What every backend takes and refuses alike: keys, values, expiries, pages and cursors. */
public final class KeyRules {

    /** Longest expiry: about 100 years, far beyond any use and far from overflowing milliseconds. */
    public static final long MAX_TTL_SECONDS = 100L * 366 * 24 * 3600;

    private KeyRules() {}

    /** The key's UTF-8, checked. */
    public static byte[] key(String key) {
        if (key == null || key.isEmpty()) {
            throw new KeyValueException(Reason.INVALID_KEY, "a key must not be empty");
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > KeyValueStore.MAX_KEY_BYTES) {
            throw new KeyValueException(
                    Reason.INVALID_KEY,
                    "the key is " + bytes.length + " bytes, more than " + KeyValueStore.MAX_KEY_BYTES);
        }
        return bytes;
    }

    public static byte[] value(byte[] value, long maxValueBytes) {
        if (value == null) {
            throw new KeyValueException(Reason.INVALID_ARGUMENT, "a value must not be null (delete the key instead)");
        }
        if (value.length > maxValueBytes) {
            throw new KeyValueException(
                    Reason.VALUE_TOO_LARGE,
                    "the value is " + value.length + " bytes, more than the store's " + maxValueBytes);
        }
        return value;
    }

    /** When a key written now with this expiry expires, in epoch milliseconds; 0 for never. */
    public static long expiresAt(long ttlSeconds, long nowMillis) {
        if (ttlSeconds < 0 || ttlSeconds > MAX_TTL_SECONDS) {
            throw new KeyValueException(
                    Reason.INVALID_ARGUMENT,
                    "an expiry must be 0 (none) to " + MAX_TTL_SECONDS + " seconds, not " + ttlSeconds);
        }
        return ttlSeconds == 0 ? 0 : nowMillis + ttlSeconds * 1000;
    }

    public static int limit(int limit) {
        if (limit < 1 || limit > KeyValueStore.MAX_PAGE) {
            throw new KeyValueException(
                    Reason.INVALID_ARGUMENT, "a page holds 1 to " + KeyValueStore.MAX_PAGE + " keys, not " + limit);
        }
        return limit;
    }

    /** The prefix's UTF-8; null lists every key. */
    public static byte[] prefix(String prefix) {
        byte[] bytes = prefix == null ? new byte[0] : prefix.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > KeyValueStore.MAX_KEY_BYTES) {
            throw new KeyValueException(
                    Reason.INVALID_ARGUMENT, "a prefix longer than the longest key matches nothing it may hold");
        }
        return bytes;
    }

    /** A page's cursor: the last key it gave, opaque to plugins. */
    public static String cursor(byte[] lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey);
    }

    /** The key a cursor continues after; null for the first page. */
    public static byte[] afterCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            byte[] key = Base64.getUrlDecoder().decode(cursor);
            if (key.length == 0 || key.length > KeyValueStore.MAX_KEY_BYTES) {
                throw new IllegalArgumentException();
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new KeyValueException(Reason.INVALID_ARGUMENT, "not a cursor this store gave: " + cursor);
        }
    }

    /** A value as increment reads it: absent is 0. */
    public static long number(byte[] value) {
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(new String(value, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new KeyValueException(
                    Reason.NOT_A_NUMBER,
                    "the value is not the decimal text of a 64-bit integer: it cannot be incremented");
        }
    }

    public static long add(long value, long delta) {
        try {
            return Math.addExact(value, delta);
        } catch (ArithmeticException e) {
            throw new KeyValueException(Reason.NOT_A_NUMBER, "incrementing " + value + " by " + delta + " overflows");
        }
    }

    public static byte[] text(long number) {
        return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * What one list page reads: keys from {@code from} (inclusive) to {@code below} (exclusive; null:
     * to the end), in byte order.
     */
    public record Range(byte[] from, byte[] below) {}

    /** The keys a page of {@code prefix} continuing after {@code cursor} (null: the first page) may hold. */
    public static Range range(String prefix, String cursor) {
        byte[] p = prefix(prefix);
        byte[] after = afterCursor(cursor);
        byte[] from = p;
        if (after != null) {
            byte[] next = Arrays.copyOf(after, after.length + 1); // the first key after the cursor's
            from = Arrays.compareUnsigned(next, p) > 0 ? next : p;
        }
        return new Range(from, upperBound(p));
    }

    /** The first byte string after every one that starts with {@code prefix}; null if there is none. */
    public static byte[] upperBound(byte[] prefix) {
        int end = prefix.length;
        while (end > 0 && prefix[end - 1] == (byte) 0xFF) {
            end--;
        }
        if (end == 0) {
            return null;
        }
        byte[] upper = Arrays.copyOf(prefix, end);
        upper[end - 1]++;
        return upper;
    }
}
