package dev.valor.http.impl.route;

import dev.valor.api.Vlugin;
import dev.valor.api.VluginProperties;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.RequestCounters;
import java.util.Map;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
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

    private final Routes routes = new Routes();

    /** The current table; read it once per request. */
    public RouteTable table() {
        return routes.table();
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

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindVlugin(Vlugin vlugin, Map<String, Object> props) {
        put(vlugin, props);
    }

    void updatedVlugin(Vlugin vlugin, Map<String, Object> props) {
        if (!put(vlugin, props)) {
            routes.remove(serviceId(props));
        }
    }

    void unbindVlugin(Vlugin vlugin, Map<String, Object> props) {
        routes.remove(serviceId(props));
    }

    private boolean put(Vlugin vlugin, Map<String, Object> props) {
        Object name = props.get(VluginProperties.NAME);
        if (!(name instanceof String) || ((String) name).isBlank()) {
            LOG.warn("Ignoring a Vlugin service without a {} property: {}", VluginProperties.NAME, props);
            return false;
        }
        Object prefixProp = props.get(VluginProperties.PREFIX);
        String prefix = prefixProp == null || String.valueOf(prefixProp).isBlank()
                ? (String) name : String.valueOf(prefixProp);
        try {
            prefix = PluginDefinition.normalizePrefix(prefix);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring Vlugin {}: {}", name, e.getMessage());
            return false;
        }
        Object ranking = props.get(Constants.SERVICE_RANKING);
        routes.put((String) name, prefix, vlugin, toLong(props.get(VluginProperties.TIMEOUT_MS)),
                ranking instanceof Integer ? (Integer) ranking : 0, serviceId(props));
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
