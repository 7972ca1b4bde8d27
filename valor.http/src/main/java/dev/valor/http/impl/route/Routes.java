package dev.valor.http.impl.route;

import java.util.HashMap;
import java.util.Map;

/**
 * The live set of routes: changed as services come and go (rarely, under a lock), read through an
 * immutable {@link RouteTable} snapshot (on every request, without one).
 */
public final class Routes {

    private final Map<Long, Route> byServiceId = new HashMap<>();
    private volatile RouteTable table = RouteTable.EMPTY;

    public RouteTable table() {
        return table;
    }

    /** Adds or replaces the route of a service. */
    public synchronized void put(Route route) {
        byServiceId.put(route.serviceId(), route);
        table = RouteTable.of(byServiceId.values());
    }

    /** Removes the route of a service; its prefix answers 404 (or falls to another service) at once. */
    public synchronized void remove(long serviceId) {
        if (byServiceId.remove(serviceId) != null) {
            table = RouteTable.of(byServiceId.values());
        }
    }
}
