package dev.valor.runtime.impl.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.valor.api.binding.Binding;
import dev.valor.api.binding.Cardinality;
import dev.valor.api.binding.Linker;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a definition says of composition: {@code "plugs": ["markdown@1"]} and
 * {@code "sockets": {"markdown@1": "exactly-one", "audit@1": "any"}}.
 */
public record Composition(List<Binding> plugs, Map<Binding, Cardinality> sockets) {

    public static final Composition NONE = new Composition(List.of(), Map.of());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @throws PluginException naming what is wrong in {@code plugs} or {@code sockets} */
    public static Composition of(PluginDefinition definition) throws PluginException {
        JsonNode root;
        try {
            root = JSON.readTree(definition.settingsJson());
        } catch (IOException e) {
            throw new PluginException("settings are not valid JSON: " + e.getMessage());
        }
        JsonNode plugsNode = root.path("plugs");
        JsonNode socketsNode = root.path("sockets");
        if (plugsNode.isMissingNode() && socketsNode.isMissingNode()) {
            return NONE;
        }
        List<Binding> plugs = new ArrayList<>();
        Map<Binding, Cardinality> sockets = new LinkedHashMap<>();
        try {
            if (!plugsNode.isMissingNode() && !plugsNode.isNull()) {
                if (!plugsNode.isArray()) {
                    throw new IllegalArgumentException("write it as a list of bindings, e.g. [\"markdown@1\"]");
                }
                for (JsonNode p : plugsNode) {
                    plugs.add(Binding.parse(p.asText()));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new PluginException("plugs: " + e.getMessage());
        }
        try {
            if (!socketsNode.isMissingNode() && !socketsNode.isNull()) {
                if (!socketsNode.isObject()) {
                    throw new IllegalArgumentException("write it as an object, e.g. {\"markdown@1\": \"exactly-one\"}");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = socketsNode.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    sockets.put(
                            Binding.parse(e.getKey()),
                            Cardinality.parse(e.getValue().asText()));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new PluginException("sockets: " + e.getMessage());
        }
        for (Binding b : plugs) {
            if (sockets.containsKey(b)) {
                throw new PluginException("dependency cycle: " + definition.name() + " -> " + b + " -> "
                        + definition.name() + " (it plugs into a binding it has a socket for)");
            }
        }
        return new Composition(List.copyOf(plugs), Collections.unmodifiableMap(sockets));
    }

    /** The service properties that carry it to the plugin's handler ({@link Linker#PLUGS}, {@link Linker#SOCKETS}). */
    public void addTo(Map<String, Object> properties) {
        if (!plugs.isEmpty()) {
            properties.put(Linker.PLUGS, plugs.stream().map(Binding::toString).toArray(String[]::new));
        }
        if (!sockets.isEmpty()) {
            properties.put(
                    Linker.SOCKETS,
                    sockets.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue().id())
                            .toArray(String[]::new));
        }
    }

    /**
     * Refuses a plugin that would close a cycle: {@code a} has a socket for what {@code b} plugs,
     * ... back to {@code a}. Only declared plugs and sockets count: a Java bundle's plugs have no
     * sockets the runtime knows of, so they end every path.
     *
     * @param others the compositions of the other plugins, by name
     * @throws PluginException naming the cycle, e.g. {@code a -> x@1 -> b -> y@1 -> a}
     */
    public static void refuseCycles(String name, Composition mine, Map<String, Composition> others)
            throws PluginException {
        Map<String, Composition> all = new LinkedHashMap<>(others);
        all.put(name, mine);
        List<String> path = new ArrayList<>();
        if (reaches(name, name, all, path, new HashSet<>())) {
            throw new PluginException("dependency cycle: " + name + " -> " + String.join(" -> ", path));
        }
    }

    private static boolean reaches(
            String from, String target, Map<String, Composition> all, List<String> path, Set<String> seen) {
        Composition c = all.get(from);
        if (c == null) {
            return false;
        }
        for (Binding b : c.sockets().keySet()) {
            for (Map.Entry<String, Composition> e : all.entrySet()) {
                if (!e.getValue().plugs().contains(b)) {
                    continue;
                }
                path.add(b.toString());
                path.add(e.getKey());
                if (e.getKey().equals(target)) {
                    return true;
                }
                if (seen.add(e.getKey()) && reaches(e.getKey(), target, all, path, seen)) {
                    return true;
                }
                path.remove(path.size() - 1);
                path.remove(path.size() - 1);
            }
        }
        return false;
    }
}
