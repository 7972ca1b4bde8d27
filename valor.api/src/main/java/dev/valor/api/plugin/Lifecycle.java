package dev.valor.api.plugin;

/**
 * The marker services that tell where the runtime is in its life, by their properties: readiness
 * and a graceful stop are built on them. The launcher, outside the framework, uses the same names.
 *
 * @since 1.3
 */
public final class Lifecycle {

    /** Service property of the marker the runtime registers once its start-up deploys are done. */
    public static final String STARTUP = "valor.startup";
    /** Its value. */
    public static final String COMPLETE = "complete";
    /** Matches that marker: while it is there, the runtime is ready. */
    public static final String STARTED = "(" + STARTUP + "=" + COMPLETE + ")";

    /**
     * Matches the marker the launcher registers when it is told to stop: readiness turns 503, and
     * after {@link #GRACE_MS} (a property of the marker, in ms) new requests are refused with 503.
     */
    public static final String STOPPING = "(valor.stopping=true)";
    /** Property of the {@link #STOPPING} marker: how long new requests are still served. */
    public static final String GRACE_MS = "valor.drain.grace.ms";
    /** The property that makes a marker the {@link #DRAINED} one, with the value {@code "true"}. */
    public static final String DRAINED_PROPERTY = "valor.drained";
    /** Matches the marker the router registers, once stopping, when no request is in flight. */
    public static final String DRAINED = "(" + DRAINED_PROPERTY + "=true)";

    private Lifecycle() {}
}
