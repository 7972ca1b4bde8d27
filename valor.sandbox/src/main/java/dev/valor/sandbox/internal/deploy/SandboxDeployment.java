package dev.valor.sandbox.internal.deploy;

import dev.valor.api.Vlugin;
import dev.valor.api.VluginProperties;
import dev.valor.api.binding.Binding;
import dev.valor.api.binding.Plug;
import dev.valor.api.metrics.InstancePool;
import dev.valor.api.plugin.PluginHandler;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One version of a sandboxed plugin as every kind starts it: what it opens (a module lease,
 * sockets, a pool), its plugs, then its Vlugin, registered last; closed in the reverse order,
 * whether the version ends or fails half-way through starting.
 */
public final class SandboxDeployment implements PluginHandler.Deployment {

    /** How much longer the router waits than the plugin's own deadline, which answers first with a 504. */
    public static final long ROUTER_GRACE_MS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(SandboxDeployment.class);

    private final BundleContext context;
    private final String name;
    private final String kind;
    private final Map<String, Object> serviceProperties;
    private final Deque<AutoCloseable> undo = new ArrayDeque<>(); // guarded by this
    private boolean registered; // guarded by this

    /**
     * @param kind              the plugin type ("wasm", "js"), on the plugs' service properties
     * @param serviceProperties what the runtime gave: the Vlugin carries all of them
     */
    public SandboxDeployment(BundleContext context, String name, String kind, Map<String, Object> serviceProperties) {
        this.context = context;
        this.name = name;
        this.kind = kind;
        this.serviceProperties = serviceProperties;
    }

    /** Closes {@code resource} when this version closes, before what was added earlier. */
    public synchronized <T extends AutoCloseable> T closing(T resource) {
        undo.push(resource);
        return resource;
    }

    /** Registers a function set this plugin provides to consumers of {@code binding}. */
    public synchronized void plug(Binding binding, Plug plug) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Plug.BINDING, binding.toString());
        props.put(VluginProperties.NAME, name);
        props.put(VluginProperties.TYPE, kind);
        props.put(Constants.SERVICE_RANKING, serviceProperties.getOrDefault(Constants.SERVICE_RANKING, 0));
        ServiceRegistration<Plug> registration = context.registerService(Plug.class, plug, props);
        undo.push(() -> unregister(registration));
    }

    /** Shows the metrics this version's pool of instances, read at each scrape. */
    public synchronized void pool(InstancePool pool) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(VluginProperties.NAME, name);
        props.put(VluginProperties.TYPE, kind);
        ServiceRegistration<InstancePool> registration = context.registerService(InstancePool.class, pool, props);
        undo.push(() -> unregister(registration));
    }

    /**
     * Registers the Vlugin, which makes this version routable; the router waits {@link #ROUTER_GRACE_MS}
     * longer than {@code timeoutMs} for it.
     *
     * @param extra properties of the kind's own ({@code valor.wasm.abi}, ...)
     */
    public synchronized SandboxDeployment register(Vlugin vlugin, long timeoutMs, Map<String, Object> extra) {
        if (registered) {
            throw new IllegalStateException(name + " is registered already");
        }
        Hashtable<String, Object> props = new Hashtable<>(serviceProperties);
        props.putAll(extra);
        props.put(VluginProperties.TIMEOUT_MS, timeoutMs + ROUTER_GRACE_MS);
        ServiceRegistration<Vlugin> registration = context.registerService(Vlugin.class, vlugin, props);
        undo.push(() -> unregister(registration));
        registered = true;
        return this;
    }

    @Override
    public String version() {
        return ""; // the runtime names it by its content
    }

    /** Undoes everything, newest first; one failure does not keep the rest open. */
    @Override
    public synchronized void close() {
        AutoCloseable next;
        while ((next = undo.poll()) != null) {
            try {
                next.close();
            } catch (Exception | LinkageError e) {
                LOG.debug("Closing part of {} failed", name, e);
            }
        }
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // gone with the bundle
        }
    }
}
