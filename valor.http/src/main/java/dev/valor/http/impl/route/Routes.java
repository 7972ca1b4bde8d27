package dev.valor.http.impl.route;

import dev.valor.api.Vlugin;
import dev.valor.api.metrics.Meters;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live set of routes: changed as services come and go (rarely, under a lock), read through an
 * immutable {@link RouteTable} snapshot (on every request, without one).
 */
public final class Routes {

    private final Map<Long, Route> byServiceId = new HashMap<>();
    private final Map<String, LongAdder> servedByName = new ConcurrentHashMap<>();
    /** Who waits for a service to be routed, by its id. */
    private final Map<Long, CompletableFuture<Void>> routedWaiters = new HashMap<>();

    private volatile RouteTable table = RouteTable.EMPTY;
    private Meters meters; // guarded by this

    public RouteTable table() {
        return table;
    }

    /** Adds the route of a service, or updates it keeping its counters. */
    public synchronized Route put(
            String name,
            String kind,
            String prefix,
            Vlugin vlugin,
            long timeoutMs,
            boolean streamedBody,
            int ranking,
            long serviceId) {
        Route old = byServiceId.get(serviceId);
        RouteStats stats = old != null && old.name().equals(name)
                ? old.stats()
                : new RouteStats(servedByName.computeIfAbsent(name, n -> new LongAdder()));
        Route route = new Route(name, kind, prefix, vlugin, timeoutMs, streamedBody, ranking, serviceId, stats);
        stats.meter(meters == null ? null : meters.plugin(name, kind));
        byServiceId.put(serviceId, route);
        table = RouteTable.of(byServiceId.values());
        CompletableFuture<Void> waiting = routedWaiters.remove(serviceId);
        if (waiting != null) {
            waiting.complete(null); // after the table: a waiter may rely on the route at once
        }
        return route;
    }

    /** Records into these meters from now on; none when metrics are off. */
    public synchronized void meters(Meters meters) {
        this.meters = meters;
        for (Route route : byServiceId.values()) {
            route.stats().meter(meters == null ? null : meters.plugin(route.name(), route.kind()));
        }
    }

    /** Removes the route of a service; its prefix answers 404 (or falls to another service) at once. */
    public synchronized void remove(long serviceId) {
        if (byServiceId.remove(serviceId) != null) {
            table = RouteTable.of(byServiceId.values());
        }
        CompletableFuture<Void> waiting = routedWaiters.remove(serviceId);
        if (waiting != null) {
            waiting.completeExceptionally(new IllegalStateException("service " + serviceId + " went away"));
        }
    }

    /** Completes once the service is in the table: at once if it is; fails if it goes away first. */
    public synchronized CompletableFuture<Void> routed(long serviceId) {
        if (byServiceId.containsKey(serviceId)) {
            return CompletableFuture.completedFuture(null);
        }
        return routedWaiters.computeIfAbsent(serviceId, id -> new CompletableFuture<>());
    }

    /** Completes once no request is inside the service: at once if none is, or it is not in the table. */
    public synchronized CompletableFuture<Void> idle(long serviceId) {
        Route route = byServiceId.get(serviceId);
        return route == null
                ? CompletableFuture.completedFuture(null)
                : route.stats().idle();
    }

    /** Answers given under this name, by all its versions. */
    public long served(String name) {
        LongAdder served = servedByName.get(name);
        return served == null ? 0 : served.sum();
    }

    public synchronized boolean contains(long serviceId) {
        return byServiceId.containsKey(serviceId);
    }

    /** Requests inside this service now; 0 once it is gone. */
    public synchronized int inFlight(long serviceId) {
        Route route = byServiceId.get(serviceId);
        return route == null ? 0 : route.stats().inFlight();
    }
}
