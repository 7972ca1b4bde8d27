package dev.valor.api.binding;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Links a plugin's declared sockets to the {@link Plug} services in the registry. The runtime
 * provides it; plugin handlers use it for the plugins they run.
 */
@ProviderType
public interface Linker {

    /**
     * Service property of a plugin's Vlugin: the bindings it plugs into, {@code name@major} each
     * (String[]).
     */
    String PLUGS = "valor.plugs";

    /**
     * Service property of a plugin's Vlugin: its sockets, {@code name@major=cardinality} each
     * (String[]).
     */
    String SOCKETS = "valor.sockets";

    /** Links the sockets of one version of the plugin {@code consumer}. */
    Sockets link(String consumer, Map<Binding, Cardinality> sockets);

    /** The bindings a plugin plugs into, read from its service properties ({@value #PLUGS}). */
    static List<Binding> plugs(Map<String, ?> properties) {
        List<Binding> plugs = new ArrayList<>();
        for (String text : strings(properties.get(PLUGS))) {
            plugs.add(Binding.parse(text));
        }
        return List.copyOf(plugs);
    }

    /** A plugin's sockets, read from its service properties ({@value #SOCKETS}), in declared order. */
    static Map<Binding, Cardinality> sockets(Map<String, ?> properties) {
        Map<Binding, Cardinality> sockets = new LinkedHashMap<>();
        for (String text : strings(properties.get(SOCKETS))) {
            int eq = text.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("'" + text + "' is not a socket: write name@major=cardinality");
            }
            sockets.put(Binding.parse(text.substring(0, eq)), Cardinality.parse(text.substring(eq + 1)));
        }
        return sockets;
    }

    private static String[] strings(Object value) {
        if (value == null) {
            return new String[0];
        }
        if (value instanceof String[]) {
            return (String[]) value;
        }
        if (value instanceof Collection<?>) {
            return ((Collection<?>) value).stream().map(String::valueOf).toArray(String[]::new);
        }
        return new String[] {String.valueOf(value)};
    }
}
