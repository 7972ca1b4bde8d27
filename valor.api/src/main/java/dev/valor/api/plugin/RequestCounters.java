package dev.valor.api.plugin;

import org.osgi.annotation.versioning.ProviderType;

/** What the router counts per plugin: answers given, and requests a plugin version is still handling. */
@ProviderType
public interface RequestCounters {

    /** Requests answered for the plugin of this name so far, by all its versions. */
    long served(String name);

    /** Requests inside the Vlugin service with this {@code service.id} right now. */
    int inFlight(long serviceId);
}
