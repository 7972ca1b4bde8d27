package dev.valor.runtime.impl.deploy;

/** Where a plugin's definition comes from; it decides who may change or remove it. */
public enum Origin {
    /** An entry of the plugins file given at start-up. */
    PLUGINS_FILE,
    /** A file in the deploy folder (and its sidecar). */
    DEPLOY_FOLDER,
    /** Registered through the shell or the registry endpoint, and persisted. */
    REGISTERED,
    /** The fleet's plugin set, kept in Redis and followed by every node ({@code --fleet}). */
    FLEET
}
