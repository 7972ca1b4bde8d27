package dev.valor.http.impl.route;

import dev.valor.api.Vlugin;
import dev.valor.api.VluginProperties;
import dev.valor.api.metrics.Meters;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.RequestCounters;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.framework.Constants;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Follows the Vlugin services in the registry and keeps the route table in step with them. */
@Component(service = {RouteTracker.class, RequestCounters.class})
public class RouteTracker implements RequestCounters {

    private static final Logger LOG = LoggerFactory.getLogger(RouteTracker.class);

    /** How long a bind waits for its plugin's activation before it lets it be routed later. */
    private static final long BIND_WAIT_MS = 250;

    private final Routes routes = new Routes();

    /** The current table; read it once per request. */
    public RouteTable table() {
        return routes.table();
    }

    /** While metrics are on: each route records into its plugin's meter. */
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindMeters(Meters meters) {
        routes.meters(meters);
    }

    void unbindMeters(Meters meters) {
        routes.meters(null);
    }

    @Override
    public long served(String name) {
        return routes.served(name);
    }

    @Override
    public boolean isRouted(long serviceId) {
        return routes.contains(serviceId);
    }

    @Override
    public int inFlight(long serviceId) {
        return routes.inFlight(serviceId);
    }

    @Override
    public CompletionStage<Void> routed(long serviceId) {
        return routes.routed(serviceId).minimalCompletionStage();
    }

    @Override
    public CompletionStage<Void> idle(long serviceId) {
        return routes.idle(serviceId).minimalCompletionStage();
    }

    /** A bound service: its latest properties, and the plugin once its component is active. */
    private static final class Bound {
        Map<String, Object> props;
        Vlugin vlugin;

        Bound(Map<String, Object> props) {
            this.props = props;
        }
    }

    private final Map<Long, Bound> bound = new HashMap<>(); // guarded by this
    /** Made with the instance: SCR binds the first services before it activates the component. */
    private final ExecutorService activations = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "valor-route-activate");
        t.setDaemon(true);
        return t;
    });

    @Deactivate
    void deactivate() {
        activations.shutdownNow();
    }

    /**
     * Getting a Vlugin runs its component's {@code activate()}, on the thread that registered it,
     * inside SCR: one that never returns wedged that thread (ConfigAdmin's, a deploy's) for every
     * later plugin. It is got on a thread of its own; bind waits a moment for it, so a plugin that
     * activates at once is routed when its registration returns, a slower one when it is active.
     */
    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindVlugin(ComponentServiceObjects<Vlugin> objects, Map<String, Object> props) {
        long id = serviceId(props);
        Bound b = new Bound(props);
        synchronized (this) {
            bound.put(id, b);
        }
        Future<?> activation = activations.submit(() -> {
            Vlugin vlugin = objects.getService();
            synchronized (this) {
                if (vlugin != null && bound.get(id) == b) {
                    b.vlugin = vlugin;
                    put(vlugin, b.props);
                }
            }
        });
        try {
            activation.get(BIND_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.debug("Vlugin {} is still activating; routed once it is", props.get(VluginProperties.NAME));
        } catch (ExecutionException e) {
            LOG.warn(
                    "Vlugin {} could not be got: {}",
                    props.get(VluginProperties.NAME),
                    e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized void updatedVlugin(ComponentServiceObjects<Vlugin> objects, Map<String, Object> props) {
        Bound b = bound.get(serviceId(props));
        if (b != null) {
            b.props = props;
            if (b.vlugin != null && !put(b.vlugin, props)) {
                routes.remove(serviceId(props));
            }
        }
    }

    synchronized void unbindVlugin(ComponentServiceObjects<Vlugin> objects, Map<String, Object> props) {
        bound.remove(serviceId(props));
        routes.remove(serviceId(props));
    }

    private boolean put(Vlugin vlugin, Map<String, Object> props) {
        Object name = props.get(VluginProperties.NAME);
        if (!(name instanceof String) || ((String) name).isBlank()) {
            LOG.warn("Ignoring a Vlugin service without a {} property: {}", VluginProperties.NAME, props);
            return false;
        }
        Object prefixProp = props.get(VluginProperties.PREFIX);
        String prefix =
                prefixProp == null || String.valueOf(prefixProp).isBlank() ? (String) name : String.valueOf(prefixProp);
        try {
            prefix = PluginDefinition.normalizePrefix(prefix);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring Vlugin {}: {}", name, e.getMessage());
            return false;
        }
        Object ranking = props.get(Constants.SERVICE_RANKING);
        Object kind = props.get(VluginProperties.TYPE);
        routes.put(
                (String) name,
                kind instanceof String && !((String) kind).isBlank() ? (String) kind : "native",
                prefix,
                vlugin,
                toLong(props.get(VluginProperties.TIMEOUT_MS)),
                Boolean.parseBoolean(String.valueOf(props.get(VluginProperties.STREAMED_BODY))),
                ranking instanceof Integer ? (Integer) ranking : 0,
                serviceId(props));
        return true;
    }

    private static long serviceId(Map<String, Object> props) {
        return ((Number) props.get(Constants.SERVICE_ID)).longValue();
    }

    private static long toLong(Object value) {
        if (value instanceof Number) {
            return ((Number) value).longValue();
        }
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(String.valueOf(value).strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
