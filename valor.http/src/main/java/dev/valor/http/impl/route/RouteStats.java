package dev.valor.http.impl.route;

import dev.valor.api.metrics.PluginMeter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one Vlugin service: requests inside it now, and answers given under its name; and
 * its plugin's meter, while metrics are on.
 */
public final class RouteStats {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder served;
    /** Completed when the count next reaches 0; null until someone waits for that. */
    private volatile CompletableFuture<Void> idle;

    private volatile PluginMeter meter = NoMeter.INSTANCE;

    /** @param served the counter of the plugin's name, shared by all its versions */
    public RouteStats(LongAdder served) {
        this.served = served;
    }

    public void enter() {
        inFlight.incrementAndGet();
        meter.entered();
    }

    public void leave() {
        meter.left();
        if (inFlight.decrementAndGet() == 0) {
            CompletableFuture<Void> waiting = idle;
            if (waiting != null) {
                waiting.complete(null);
            }
        }
        served.increment();
    }

    /** Completes once no request is inside: at once if none is now. */
    public synchronized CompletableFuture<Void> idle() {
        CompletableFuture<Void> waiting = idle;
        if (waiting == null || waiting.isDone()) {
            waiting = new CompletableFuture<>();
            idle = waiting;
        }
        if (inFlight.get() == 0) { // after publishing it: a leave() in between completes it or this does
            waiting.complete(null);
        }
        return waiting;
    }

    /** The plugin's meter; one that records nothing while metrics are off. */
    public PluginMeter meter() {
        return meter;
    }

    void meter(PluginMeter meter) {
        this.meter = meter == null ? NoMeter.INSTANCE : meter;
    }

    public int inFlight() {
        return inFlight.get();
    }
}
