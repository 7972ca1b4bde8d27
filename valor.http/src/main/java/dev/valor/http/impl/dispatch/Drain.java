package dev.valor.http.impl.dispatch;

import dev.valor.api.plugin.Lifecycle;
import java.util.Hashtable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The router's part in a graceful stop: once the launcher's {@link Lifecycle#STOPPING} marker is
 * there, new requests are still served for its grace and refused after it, and when no request is
 * in flight the {@link Lifecycle#DRAINED} marker says so (the launcher waits on it, then stops the
 * framework). Only counts and announces; the dispatcher asks it.
 */
final class Drain {

    private final BundleContext context;
    private final IntSupplier inFlight;
    private final Runnable refusing;
    private volatile boolean draining;
    private volatile long refuseFromNanos;
    private final AtomicBoolean announced = new AtomicBoolean();
    private volatile ServiceRegistration<?> drained;

    /**
     * @param inFlight how many requests are in flight now
     * @param refusing what else to do once new requests are refused: stop accepting connections
     */
    Drain(BundleContext context, IntSupplier inFlight, Runnable refusing) {
        this.context = context;
        this.inFlight = inFlight;
        this.refusing = refusing;
    }

    /**
     * The stop has begun: serve new requests for {@code graceMs} more (a load balancer notices the
     * 503 readiness meanwhile), then refuse them, and announce once none is in flight.
     */
    void begin(long graceMs) {
        long grace = Math.max(0, graceMs);
        refuseFromNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(grace);
        draining = true;
        CompletableFuture.delayedExecutor(grace, TimeUnit.MILLISECONDS).execute(() -> {
            refusing.run();
            if (inFlight.getAsInt() == 0) {
                idle();
            }
        });
    }

    /** Whether a new request is refused now. */
    boolean refuses() {
        return draining && System.nanoTime() - refuseFromNanos >= 0;
    }

    /** A request left and none is in flight: announced once new ones are refused. */
    void idle() {
        if (refuses() && announced.compareAndSet(false, true)) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(Lifecycle.DRAINED_PROPERTY, "true");
            drained = context.registerService(Object.class, new Object(), props);
        }
    }

    void close() {
        ServiceRegistration<?> r = drained;
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // gone with the bundle
            }
        }
    }
}
