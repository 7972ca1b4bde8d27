package dev.valor.api.plugin;

/** Where a plugin is in its life. */
public enum PluginState {
    /** Defined and being installed; not serving yet. */
    INSTALLING,
    /** Serving requests under its prefix. */
    ACTIVE,
    /**
     * Deployed, but a mandatory socket has no provider: its route answers 503 naming the binding
     * ({@link PluginInfo#reason()}) until one is deployed.
     */
    UNSATISFIED,
    /** Could not be installed or started; see {@link PluginInfo#reason()}. */
    FAILED
}
