package dev.valor.runtime.impl.registry;

import dev.valor.api.Vlugin;
import dev.valor.api.VluginProperties;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginInfo;
import dev.valor.api.plugin.PluginRegistry;
import dev.valor.api.plugin.PluginState;
import dev.valor.api.plugin.PluginType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The registry: what was defined (and whether installing it failed) joined with the Vlugin
 * services that actually serve. A defined plugin is active once its service is there and its
 * component did not fail to activate.
 */
@Component(service = {PluginRegistry.class, Registry.class})
public class Registry implements PluginRegistry {

    /** A plugin the runtime was asked to run. */
    private record Defined(PluginDefinition definition, String source, String version, String failure) {
    }

    private final Map<String, Defined> defined = new ConcurrentHashMap<>();
    private final Map<Long, ServiceReference<Vlugin>> services = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> arrivals = new ConcurrentHashMap<>();

    @Reference
    private ServiceComponentRuntime scr;

    @Reference(service = Vlugin.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addVlugin(ServiceReference<Vlugin> ref) {
        services.put(serviceId(ref), ref);
        Object name = ref.getProperty(VluginProperties.NAME);
        if (name instanceof String) {
            arrival((String) name).complete(null);
        }
    }

    void removeVlugin(ServiceReference<Vlugin> ref) {
        services.remove(serviceId(ref));
    }

    /** Records a definition that was installed; it becomes active when its service appears. */
    public void installed(PluginDefinition definition, String source, String version) {
        defined.put(definition.name(), new Defined(definition, source, version, null));
    }

    /** Records a definition that could not be installed, with the reason. */
    public void failed(PluginDefinition definition, String source, String reason) {
        defined.put(definition.name(), new Defined(definition, source, "", reason));
    }

    /** Completes when a Vlugin service with this name is registered. */
    public CompletableFuture<Void> arrival(String name) {
        CompletableFuture<Void> future = arrivals.computeIfAbsent(name, n -> new CompletableFuture<>());
        if (!future.isDone() && services.values().stream()
                .anyMatch(ref -> name.equals(ref.getProperty(VluginProperties.NAME)))) {
            future.complete(null);
        }
        return future;
    }

    @Override
    public List<PluginInfo> plugins() {
        Map<String, PluginInfo> byName = new TreeMap<>();
        List<ServiceReference<Vlugin>> refs = new ArrayList<>(services.values());
        refs.sort((a, b) -> b.compareTo(a));
        for (ServiceReference<Vlugin> ref : refs) { // best ranked first: it wins its name
            PluginInfo info = fromService(ref);
            if (info != null) {
                byName.putIfAbsent(info.name(), info);
            }
        }
        for (Defined d : defined.values()) {
            PluginInfo served = byName.get(d.definition().name());
            if (d.failure() != null) {
                byName.put(d.definition().name(), info(d, PluginState.FAILED, d.failure()));
            } else if (served == null) {
                byName.put(d.definition().name(), info(d, PluginState.INSTALLING, ""));
            } else {
                byName.put(d.definition().name(), new PluginInfo(served.name(), served.prefix(),
                        d.definition().type(), d.source(), d.version(), served.state(), served.reason()));
            }
        }
        return List.copyOf(byName.values());
    }

    @Override
    public Optional<PluginInfo> plugin(String name) {
        return plugins().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private static PluginInfo info(Defined d, PluginState state, String reason) {
        PluginDefinition def = d.definition();
        return new PluginInfo(def.name(), def.prefix(), def.type(), d.source(), d.version(), state, reason);
    }

    private PluginInfo fromService(ServiceReference<Vlugin> ref) {
        Object name = ref.getProperty(VluginProperties.NAME);
        Bundle bundle = ref.getBundle();
        if (!(name instanceof String) || bundle == null) {
            return null; // unregistered meanwhile, or not routable
        }
        Object prefix = ref.getProperty(VluginProperties.PREFIX);
        String p = prefix == null || String.valueOf(prefix).isBlank() ? (String) name : String.valueOf(prefix);
        PluginType type;
        try {
            Object t = ref.getProperty(VluginProperties.TYPE);
            type = t == null ? PluginType.NATIVE : PluginType.parse(String.valueOf(t));
        } catch (IllegalArgumentException e) {
            type = PluginType.NATIVE;
        }
        String failure = activationFailure(ref);
        return new PluginInfo((String) name, p, type, bundle.getLocation(), bundle.getVersion().toString(),
                failure == null ? PluginState.ACTIVE : PluginState.FAILED, failure == null ? "" : failure);
    }

    /** The reason its DS component failed to activate, or null if it did not (or is not a DS component). */
    private String activationFailure(ServiceReference<Vlugin> ref) {
        Object componentName = ref.getProperty("component.name");
        Object componentId = ref.getProperty("component.id");
        if (!(componentName instanceof String) || !(componentId instanceof Number)) {
            return null;
        }
        ComponentDescriptionDTO description = scr.getComponentDescriptionDTO(ref.getBundle(), (String) componentName);
        if (description == null) {
            return null;
        }
        for (ComponentConfigurationDTO config : scr.getComponentConfigurationDTOs(description)) {
            if (config.id == ((Number) componentId).longValue()
                    && config.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                return "component failed to activate: " + firstLine(config.failure);
            }
        }
        return null;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unknown error";
        }
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }

    private static long serviceId(ServiceReference<?> ref) {
        return (Long) ref.getProperty(Constants.SERVICE_ID);
    }
}
