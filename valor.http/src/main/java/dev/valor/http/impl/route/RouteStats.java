package dev.valor.http.impl.route;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one Vlugin service: requests inside it now, and answers given under its name. */
public final class RouteStats {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder served;

    /** @param served the counter of the plugin's name, shared by all its versions */
    public RouteStats(LongAdder served) {
        this.served = served;
    }

    public void enter() {
        inFlight.incrementAndGet();
    }

    public void leave() {
        inFlight.decrementAndGet();
        served.increment();
    }

    public int inFlight() {
        return inFlight.get();
    }
}
