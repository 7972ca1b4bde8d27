package dev.valor.runtime.impl.binding;

import dev.valor.api.binding.Binding;
import dev.valor.api.binding.Cardinality;
import dev.valor.api.binding.Linker;
import dev.valor.api.binding.Plug;
import dev.valor.api.binding.Sockets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The linker: follows every {@link Plug} service in the registry (whichever kind of plugin or
 * bundle registered it) and gives consumers sockets that call the providers there are now.
 * Provider lists are rebuilt when plugs come and go, never on a call.
 */
@Component(service = {Linker.class, BindingLinker.class})
public class BindingLinker implements Linker {

    private static final Logger LOG = LoggerFactory.getLogger(BindingLinker.class);
    /** Best ranked first: the one a single socket calls, and the version that wins its name. */
    private static final Comparator<Provider> BEST = (a, b) -> b.ref().compareTo(a.ref());

    private final Map<Long, Provider> plugs = new ConcurrentHashMap<>();
    private volatile Map<Binding, List<Provider>> byBinding = Map.of();
    private final Set<LinkedSockets> linked = ConcurrentHashMap.newKeySet();
    /** Each consumer's newest linked version: whether a provider is active itself is read here per call. */
    private final Map<String, LinkedSockets> newest = new ConcurrentHashMap<>();

    @Reference(service = Plug.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPlug(ServiceReference<Plug> ref, Plug plug) {
        try {
            Provider p = Provider.of(ref, plug);
            plugs.put(p.id(), p);
            rebuild();
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "Ignoring a plug from bundle {}: {}",
                    ref.getBundle() == null ? "?" : ref.getBundle().getSymbolicName(),
                    e.getMessage());
        }
    }

    void removePlug(ServiceReference<Plug> ref) {
        Object id = ref.getProperty(Constants.SERVICE_ID);
        if (plugs.remove(id) != null) {
            rebuild();
        }
    }

    private synchronized void rebuild() {
        Map<Binding, List<Provider>> all = new HashMap<>();
        for (Provider p : plugs.values()) {
            all.computeIfAbsent(p.binding(), b -> new ArrayList<>()).add(p);
        }
        Map<Binding, List<Provider>> sorted = new HashMap<>();
        all.forEach((b, list) -> {
            list.sort(BEST);
            sorted.put(b, List.copyOf(list));
        });
        byBinding = Map.copyOf(sorted);
    }

    @Override
    public Sockets link(String consumer, Map<Binding, Cardinality> sockets) {
        LinkedSockets s = new LinkedSockets(consumer, sockets, this);
        linked.add(s);
        newest.merge(consumer, s, (a, b) -> a.serial() > b.serial() ? a : b);
        return s;
    }

    void unlink(LinkedSockets sockets) {
        linked.remove(sockets);
        newest.computeIfPresent(
                sockets.consumer(),
                (name, current) -> current != sockets
                        ? current
                        : linked.stream()
                                .filter(o -> o.consumer().equals(name))
                                .max(Comparator.comparingLong(LinkedSockets::serial))
                                .orElse(null));
    }

    /**
     * Whether a provider can serve: a plugin whose own mandatory socket is empty is not active, so it
     * provides nothing either (no cycles, so this ends).
     */
    boolean usable(Provider p) {
        LinkedSockets s = newest.get(p.name());
        if (s == null) {
            return true;
        }
        // Definitions cannot form cycles (the deployer refuses them), but Java bundles linking
        // through the service could: a provider met again on the way is not usable.
        Set<String> visiting = VISITING.get();
        if (!visiting.add(p.name())) {
            return false;
        }
        try {
            return s.missing().isEmpty();
        } finally {
            visiting.remove(p.name());
        }
    }

    private static final ThreadLocal<Set<String>> VISITING = ThreadLocal.withInitial(HashSet::new);

    /** Every plug of a binding, best ranked first, several versions of one plugin included. */
    List<Provider> plugsOf(Binding binding) {
        return byBinding.getOrDefault(binding, List.of());
    }

    /** One provider per plugin name (its best version), in name order: whom a multiple socket calls. */
    List<Provider> providers(Binding binding) {
        Map<String, Provider> best = new TreeMap<>();
        for (Provider p : plugsOf(binding)) {
            best.putIfAbsent(p.name(), p);
        }
        return List.copyOf(best.values());
    }

    /** The serving version of one provider, if it is still there: a call that met a retiring one goes on to it. */
    Optional<Provider> current(Binding binding, String name) {
        return plugsOf(binding).stream().filter(p -> p.name().equals(name)).findFirst();
    }

    boolean registered(Provider p) {
        return plugs.containsKey(p.id()) && p.ref().getBundle() != null;
    }

    /** Missing mandatory bindings of a plugin's newest linked version; empty when satisfied or unknown. */
    public List<String> missing(String consumer) {
        LinkedSockets s = newest.get(consumer);
        return s == null ? List.of() : s.missing();
    }

    /** The graph as it is now: per binding, its providers and its consumers' sockets. */
    public Map<Binding, Graph> graph() {
        Map<Binding, Graph> graph = new TreeMap<>(Comparator.comparing(Binding::toString));
        for (Map.Entry<Binding, List<Provider>> e : byBinding.entrySet()) {
            graph.computeIfAbsent(e.getKey(), b -> new Graph(new ArrayList<>(), new ArrayList<>()));
            for (Provider p : providers(e.getKey())) {
                graph.get(e.getKey()).providers().add(p.name() + " (" + p.type() + ")");
            }
        }
        for (LinkedSockets s : new TreeMap<>(newest).values()) {
            s.declared().forEach((b, c) -> {
                Graph g = graph.computeIfAbsent(b, x -> new Graph(new ArrayList<>(), new ArrayList<>()));
                boolean satisfied = !c.mandatory() || providers(b).stream().anyMatch(this::usable);
                g.consumers().add(s.consumer() + " " + c.id() + (satisfied ? "" : " UNSATISFIED"));
            });
        }
        return graph;
    }

    /** Who plugs into a binding and who has a socket for it, as the shell shows them. */
    public record Graph(List<String> providers, List<String> consumers) {}
}
