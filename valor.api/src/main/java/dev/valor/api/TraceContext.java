package dev.valor.api;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

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

    private static final Pattern VALID = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_PARENT = "0".repeat(16);

    private TraceContext() {}

    /** Whether it is a version-00 {@code traceparent} with a trace id and a parent id that are not all zeros. */
    public static boolean valid(String traceparent) {
        return traceparent != null
                && VALID.matcher(traceparent).matches()
                && !traceparent.regionMatches(3, ZERO_TRACE, 0, 32)
                && !traceparent.regionMatches(36, ZERO_PARENT, 0, 16);
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
