package dev.valor.sandbox.internal.outbound;

/** Why an outbound request got no answer, as every sandboxed kind reports it to its plugin. */
public final class OutboundException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The three ways a fetch ends without an answer. */
    public enum Kind {
        /** Refused by policy: a host not granted, a scheme other than http(s). */
        REFUSED,
        /** Tried and failed: no answer in time, no connection, no router. */
        FAILED,
        /** The request could not be read: not a URL, a header or method the client refuses. */
        MALFORMED
    }

    private final Kind kind;

    public OutboundException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
