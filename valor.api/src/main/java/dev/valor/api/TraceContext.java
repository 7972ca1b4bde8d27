package dev.valor.api;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context's {@code traceparent} ({@code 00-TRACEID-PARENTID-FLAGS}): the router keeps a
 * client's or starts one for every request, and every outgoing call a plugin makes carries it on
 * with the same trace id and a parent id of its own.
 *
 * @since 1.2
 */
public final class TraceContext {

    /** The header. */
    public static final String TRACEPARENT = "traceparent";
    /** Vendors' state that travels with it, unchanged. */
    public static final String TRACESTATE = "tracestate";

    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_PARENT = "0".repeat(16);

    private TraceContext() {}

    /** Whether it is a version-00 {@code traceparent} with a trace id and a parent id that are not all zeros. */
    public static boolean valid(String traceparent) {
        return traceparent != null
                && shaped(traceparent)
                && !traceparent.regionMatches(3, ZERO_TRACE, 0, 32)
                && !traceparent.regionMatches(36, ZERO_PARENT, 0, 16);
    }

    /**
     * {@code 00-} then 32, 16 and 2 lower-case hex digits joined by {@code -}: checked by hand, as it
     * runs for every request (a regular expression's match was 2% of a hello's samples).
     */
    private static boolean shaped(String t) {
        if (t.length() != 55 || !t.startsWith("00-")) {
            return false;
        }
        for (int i = 3; i < 55; i++) {
            char c = t.charAt(i);
            boolean fits = i == 35 || i == 52 ? c == '-' : c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
            if (!fits) {
                return false;
            }
        }
        return true;
    }

    /** A new trace: a random trace id and parent id, not sampled. */
    public static String start() {
        return "00-" + id() + id() + "-" + id() + "-00";
    }

    /** The same trace from a new parent: what an outgoing call carries; a new trace if not {@link #valid}. */
    public static String child(String traceparent) {
        if (!valid(traceparent)) {
            return start();
        }
        return traceparent.substring(0, 36) + id() + traceparent.substring(52);
    }

    /** Its trace id, or null if not {@link #valid}. */
    public static String traceId(String traceparent) {
        return valid(traceparent) ? traceparent.substring(3, 35) : null;
    }

    /**
     * 16 hex digits, never all zeros. Not a secret, only unique: a fast generator, as it runs for
     * every request that comes without a trace.
     */
    private static String id() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return HexFormat.of().toHexDigits(id);
    }
}
