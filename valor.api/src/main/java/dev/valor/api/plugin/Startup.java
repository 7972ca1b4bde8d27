package dev.valor.api.plugin;

/**
 * The marker service the runtime registers once its start-up deploys (plugins file, registrations,
 * deploy folder) are done, and unregisters when it stops: what readiness means.
 *
 * @since 1.3
 */
public final class Startup {

    /** Service property of the marker. */
    public static final String PROPERTY = "valor.startup";
    /** Its value once start-up is over. */
    public static final String COMPLETE = "complete";
    /** A filter that matches the marker. */
    public static final String FILTER = "(" + PROPERTY + "=" + COMPLETE + ")";

    private Startup() {}
}
