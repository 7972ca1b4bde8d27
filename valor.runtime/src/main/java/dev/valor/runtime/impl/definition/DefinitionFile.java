package dev.valor.runtime.impl.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a plugins file in the original runtime's format, {@code {"plugins": [{...}, ...]}}, into
 * one outcome per entry: a valid definition, or the reason it is not. One bad entry never spoils
 * the others; a file that is not JSON at all gives a single failure.
 */
public final class DefinitionFile {

    /**
     * Reads definitions wherever they come from (plugins file, sidecar, registry): a key given twice
     * is an error, not the last one silently winning.
     */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    /** The fields every definition has; the others are kind-specific settings. */
    private static final Set<String> CORE = Set.of("name", "prefix", "type", "path", "config");

    /** Every other key a definition may have (docs/plugins.md), and the keys of its objects. */
    private static final Set<String> SETTINGS =
            Set.of("limits", "capabilities", "browser", "plugs", "sockets", "style", "abi", "entrypoint", "request");

    private static final Map<String, Set<String>> NESTED = Map.of(
            "limits", Set.of("timeout_ms", "memory_mb", "instances"),
            "capabilities", Set.of("allowed_hosts", "env", "files", "kv"),
            "request", Set.of("streamed"));

    private DefinitionFile() {}

    /**
     * An entry of the file: its position (from 1), the name it claims if any, its definition if it
     * is valid on its own, and an error if it cannot be used (invalid, or clashing with an earlier entry).
     */
    public record Entry(int index, String name, PluginDefinition definition, String error) {
        public boolean ok() {
            return error == null;
        }

        /** "entry 2 (hello_bob)" */
        public String label() {
            return "entry " + index + (name == null ? "" : " (" + name + ")");
        }
    }

    /** Thrown when the file as a whole cannot be read. */
    public static final class FileException extends Exception {
        private static final long serialVersionUID = 1L;

        FileException(String message) {
            super(message);
        }
    }

    public static List<Entry> read(Path file) throws FileException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new FileException(file + ": no such file");
        } catch (IOException e) {
            throw new FileException(file + ": cannot be read: " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    public static List<Entry> parse(String source, String text) throws FileException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FileException(source + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null
                            ? ""
                            : " at line " + e.getLocation().getLineNr() + ", column "
                                    + e.getLocation().getColumnNr()));
        }
        JsonNode plugins = root == null ? null : root.get("plugins");
        if (plugins == null || !plugins.isArray()) {
            throw new FileException(source + ": expected an object with a \"plugins\" array");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> prefixes = new HashMap<>();
        int index = 0;
        for (JsonNode node : plugins) {
            index++;
            Entry entry = entry(index, node);
            if (entry.ok()) {
                Integer sameName = names.putIfAbsent(entry.definition().name(), index);
                Integer samePrefix = prefixes.putIfAbsent(entry.definition().prefix(), index);
                if (sameName != null) {
                    if (samePrefix == null) {
                        prefixes.remove(entry.definition().prefix()); // a refused entry claims nothing
                    }
                    entry = new Entry(
                            index,
                            entry.name(),
                            null,
                            "duplicate name '" + entry.name() + "' (already defined by entry " + sameName + ")");
                } else if (samePrefix != null) {
                    names.remove(entry.definition().name());
                    entry = new Entry(
                            index,
                            entry.name(),
                            entry.definition(),
                            "duplicate prefix '" + entry.definition().prefix() + "' (already claimed by entry "
                                    + samePrefix + ")");
                }
            }
            entries.add(entry);
        }
        return entries;
    }

    /** One definition from its JSON object; a sidecar file holds exactly one. */
    public static Entry entry(int index, JsonNode node) {
        if (node == null || !node.isObject()) {
            return new Entry(index, null, null, "expected an object");
        }
        String name = text(node, "name");
        try {
            knownKeys(node);
            ObjectNode settings = JSON.createObjectNode();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (CORE.contains(field)) {
                    if (!"config".equals(field)
                            && !node.get(field).isNull()
                            && !node.get(field).isTextual()) {
                        throw new IllegalArgumentException("\"" + field + "\" must be a string");
                    }
                } else if (!node.get(field).isNull()) {
                    settings.set(field, node.get(field));
                }
            }
            String path = text(node, "path");
            String type = text(node, "type");
            JsonNode config = node.get("config");
            PluginDefinition definition = new PluginDefinition(
                    name,
                    text(node, "prefix"),
                    type == null ? typeFromPath(path) : PluginType.parse(type),
                    path,
                    config == null || config.isNull() ? null : config.toString(),
                    settings.toString());
            return new Entry(index, name, definition, null);
        } catch (IllegalArgumentException e) {
            return new Entry(index, name, null, e.getMessage());
        }
    }

    /** A definition as the JSON object {@link #entry} reads back to an equal definition. */
    public static ObjectNode toJson(PluginDefinition def) {
        ObjectNode node = JSON.createObjectNode();
        try {
            node.setAll((ObjectNode) JSON.readTree(def.settingsJson()));
            node.put("name", def.name());
            node.put("prefix", def.prefix());
            node.put("type", def.type().id());
            node.put("path", def.path());
            if (def.configJson() != null) {
                node.set("config", JSON.readTree(def.configJson()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("a definition's settings and config were valid JSON when read", e);
        }
        return node;
    }

    /**
     * Refuses a key the runtime does not know, naming it and, where one is close, the key it
     * probably meant: a misspelt limit must not deploy with the default. Keys starting with
     * {@code x-} are free for tools.
     */
    static void knownKeys(JsonNode node) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.startsWith("x-") || CORE.contains(key)) {
                continue;
            }
            if (!SETTINGS.contains(key)) {
                String meant = null;
                for (Map.Entry<String, Set<String>> nested : NESTED.entrySet()) {
                    if (nested.getValue().contains(key)) {
                        meant = nested.getKey() + "." + key;
                    }
                }
                if (meant == null) {
                    meant = closest(key, union(CORE, SETTINGS));
                }
                throw new IllegalArgumentException("unknown key \"" + key + "\""
                        + (meant == null
                                ? " (keys starting with x- are free for tools)"
                                : ": did you mean \"" + meant + "\"?"));
            }
            Set<String> inner = NESTED.get(key);
            JsonNode value = node.get(key);
            if (inner != null && value.isObject()) {
                for (Iterator<String> in = value.fieldNames(); in.hasNext(); ) {
                    String k = in.next();
                    if (!k.startsWith("x-") && !inner.contains(k)) {
                        String meant = closest(k, inner);
                        throw new IllegalArgumentException("unknown key \"" + key + "." + k + "\""
                                + (meant == null
                                        ? " (" + key + " takes " + String.join(", ", new TreeSet<>(inner)) + ")"
                                        : ": did you mean \"" + key + "." + meant + "\"?"));
                    }
                }
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /** The known key within two edits of {@code key} (or one it starts or ends), or null. */
    private static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : new TreeSet<>(known)) {
            int d = k.startsWith(key) || key.startsWith(k) ? 1 : distance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    private static PluginType typeFromPath(String path) {
        String p = path == null ? "" : path.toLowerCase(Locale.ROOT);
        if (p.endsWith(".wasm")) {
            return PluginType.WASM;
        }
        if (p.endsWith(".js") || p.endsWith(".mjs")) {
            return PluginType.JS;
        }
        return PluginType.NATIVE;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
