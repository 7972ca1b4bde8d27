package dev.valor.api.plugin;

/** Where a plugin is in its life. */
public enum PluginState {
    /** Defined and being installed; not serving yet. */
    INSTALLING,
    /** Serving requests under its prefix. */
    ACTIVE,
    /** Could not be installed or started; see {@link PluginInfo#reason()}. */
    FAILED
}
