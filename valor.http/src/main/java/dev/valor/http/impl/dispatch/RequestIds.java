package dev.valor.http.impl.dispatch;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Takes a client's {@code x-request-id} when it is safe to echo and log, or makes a new UUID. */
final class RequestIds {

    private static final int MAX_LENGTH = 128;

    private RequestIds() {}

    static String from(String given) {
        if (given != null && isSafe(given)) {
            return given;
        }
        // A random v4 UUID without SecureRandom: ids correlate, they do not protect anything.
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    private static boolean isSafe(String id) {
        int n = id.length();
        if (n == 0 || n > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == ':'
                    || c == '/'
                    || c == '+'
                    || c == '=';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
