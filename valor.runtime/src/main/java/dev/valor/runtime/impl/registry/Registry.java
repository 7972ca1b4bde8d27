package dev.valor.runtime.impl.registry;

import dev.valor.api.Vlugin;
import dev.valor.api.VluginProperties;
import dev.valor.api.plugin.PluginInfo;
import dev.valor.api.plugin.PluginRegistry;
import dev.valor.api.plugin.PluginState;
import dev.valor.api.plugin.PluginType;
import dev.valor.api.plugin.RequestCounters;
import dev.valor.runtime.impl.binding.BindingLinker;
import dev.valor.runtime.impl.deploy.Deployer;
import dev.valor.runtime.impl.deploy.Managed;
import dev.valor.runtime.impl.deploy.Origin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * The registry: the plugins the runtime manages (from the deployer) joined with every other
 * Vlugin service that serves (a bundle's own components, the built-in endpoints), with the
 * router's request counts.
 */
@Component
public class Registry implements PluginRegistry {

    private final Map<Long, ServiceReference<Vlugin>> services = new ConcurrentHashMap<>();

    @Reference
    private ServiceComponentRuntime scr;

    @Reference
    private Deployer deployer;

    @Reference
    private BindingLinker linker;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile RequestCounters counters;

    @Reference(service = Vlugin.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addVlugin(ServiceReference<Vlugin> ref) {
        services.put((Long) ref.getProperty(Constants.SERVICE_ID), ref);
    }

    void removeVlugin(ServiceReference<Vlugin> ref) {
        services.remove((Long) ref.getProperty(Constants.SERVICE_ID));
    }

    @Override
    public List<PluginInfo> plugins() {
        Map<String, PluginInfo> byName = new TreeMap<>();
        for (Managed m : deployer.managed()) {
            byName.put(m.definition().name(), info(m));
        }
        List<ServiceReference<Vlugin>> refs = new ArrayList<>(services.values());
        refs.sort((a, b) -> b.compareTo(a)); // best ranked first: it wins its name
        for (ServiceReference<Vlugin> ref : refs) {
            if (ref.getProperty(Deployer.GENERATION) == null) { // managed versions are listed above
                PluginInfo info = fromService(ref);
                if (info != null) {
                    byName.putIfAbsent(info.name(), info);
                }
            }
        }
        return List.copyOf(byName.values());
    }

    @Override
    public Optional<PluginInfo> plugin(String name) {
        Optional<Managed> managed = deployer.managed(name);
        if (managed.isPresent()) {
            return Optional.of(info(managed.get()));
        }
        return plugins().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private PluginInfo info(Managed m) {
        PluginState state =
                m.serving() ? PluginState.ACTIVE : m.error().isEmpty() ? PluginState.INSTALLING : PluginState.FAILED;
        String reason = m.error();
        if (state == PluginState.ACTIVE) {
            List<String> missing = linker.missing(m.definition().name());
            if (!missing.isEmpty()) {
                state = PluginState.UNSATISFIED;
                String why = "no plugin provides " + String.join(", ", missing);
                reason = reason.isEmpty() ? why : why + "; " + reason;
            }
        }
        return new PluginInfo(
                m.definition().name(),
                m.definition().prefix(),
                m.definition().type(),
                m.origin() == Origin.FLEET ? m.source() : m.artifact(),
                m.version(),
                state,
                reason,
                served(m.definition().name()),
                m.origin() == Origin.FLEET);
    }

    private long served(String name) {
        RequestCounters c = counters;
        return c == null ? 0 : c.served(name);
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
        String failure = ActivationFailures.reason(scr, ref);
        return new PluginInfo(
                (String) name,
                p,
                type,
                bundle.getLocation(),
                bundle.getVersion().toString(),
                failure == null ? PluginState.ACTIVE : PluginState.FAILED,
                failure == null ? "" : failure,
                served((String) name));
    }
}
