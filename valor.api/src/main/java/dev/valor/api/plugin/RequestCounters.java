package dev.valor.api.plugin;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the router knows per plugin: answers given, requests a plugin version is still handling,
 * and whether a version's service is in its route table yet.
 */
@ProviderType
public interface RequestCounters {

    /**
     * Whether the router has taken the Vlugin service with this {@code service.id} into its route
     * table. Registration and routing are not one step: a new version is safe to rely on (and the
     * old one safe to retire) only once this is true.
     */
    boolean isRouted(long serviceId);

    /** Requests answered for the plugin of this name so far, by all its versions. */
    long served(String name);

    /** Requests inside the Vlugin service with this {@code service.id} right now. */
    int inFlight(long serviceId);

    /**
     * Completes once the router has the Vlugin service with this {@code service.id} in its route
     * table: at once if it has. Fails if the service goes away first.
     *
     * @since 1.3
     */
    CompletionStage<Void> routed(long serviceId);

    /**
     * Completes once no request is inside the Vlugin service with this {@code service.id}: at once
     * if none is, or the router does not route it.
     *
     * @since 1.3
     */
    CompletionStage<Void> idle(long serviceId);
}
