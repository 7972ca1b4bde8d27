package dev.valor.http.impl.route;

import dev.valor.api.Vlugin;

/**
 * One Vlugin service as the router sees it.
 *
 * @param name      the plugin's name, reported in {@code x-valor-plugin}
 * @param kind      its {@code valor.type} ("native" when it says none), a label of its metrics
 * @param prefix    normalized prefix, no slashes at either end
 * @param timeoutMs its own time limit, 0 for the router's default
 * @param streamedBody whether it reads request bodies as they arrive ({@code valor.request.streamed})
 * @param ranking   service ranking; the higher wins a prefix
 * @param serviceId service id; the lower (older) wins a prefix among equal rankings
 * @param stats     its counters, kept across changes of the service's properties
 */
public record Route(
        String name,
        String kind,
        String prefix,
        Vlugin vlugin,
        long timeoutMs,
        boolean streamedBody,
        int ranking,
        long serviceId,
        RouteStats stats) {

    /** A route that takes request bodies whole. */
    public Route(
            String name,
            String kind,
            String prefix,
            Vlugin vlugin,
            long timeoutMs,
            int ranking,
            long serviceId,
            RouteStats stats) {
        this(name, kind, prefix, vlugin, timeoutMs, false, ranking, serviceId, stats);
    }

    /** Whether this route beats the other for the same prefix: higher ranking, then older service. */
    boolean beats(Route other) {
        if (ranking != other.ranking) {
            return ranking > other.ranking;
        }
        return serviceId < other.serviceId;
    }
}
