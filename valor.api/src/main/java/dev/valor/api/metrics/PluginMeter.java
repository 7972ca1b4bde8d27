package dev.valor.api.metrics;

import org.osgi.annotation.versioning.ProviderType;

/** What happens to one plugin, as the runtime's parts see it. Cheap enough to call per request. */
@ProviderType
public interface PluginMeter {

    /** A request was handed to the plugin: one more in flight until {@link #left}. */
    void entered();

    /** A request that {@link #entered} is out of the plugin: answered, cut or failed. */
    void left();

    /**
     * A request under the plugin's prefix was answered with this status, this many nanoseconds
     * after it arrived; also one the runtime answered for it (413, 503).
     */
    void answered(int status, long nanos);

    /** The runtime cut a call that ran past its deadline (the client got 504). */
    void deadlineCut();

    /** The runtime cut a call that allocated more than its memory bound. */
    void memoryCut();

    /** The plugin failed a call: threw, trapped or answered what no plugin may (the client got 500). */
    void failed();

    /** A version of the plugin started serving: its first, or one that replaced another. */
    void deployed(boolean replaced);

    /** A version of the plugin could not be deployed. */
    void deployFailed();
}
