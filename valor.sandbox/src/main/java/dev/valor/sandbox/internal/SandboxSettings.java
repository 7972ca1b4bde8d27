package dev.valor.sandbox.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.valor.api.kv.KeyValueStore;
import dev.valor.api.plugin.PluginException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a definition says the same way for every sandboxed kind: its limits, the hosts it may
 * fetch from and the key-value stores it may use. Deny by default: nothing is granted unless listed.
 *
 * <pre>{@code
 * "limits": {"timeout_ms": 10000, "memory_mb": 64, "instances": 4},
 * "capabilities": {"allowed_hosts": ["api.example.com"], "kv": ["default"]}
 * }</pre>
 */
public record SandboxSettings(
        long timeoutMs, long memoryMb, int instances, List<String> allowedHosts, List<String> kvStores) {

    public static final long DEFAULT_TIMEOUT_MS = 10_000;
    public static final long DEFAULT_MEMORY_MB = 64;
    public static final int DEFAULT_INSTANCES = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
    public static final int MAX_INSTANCES = 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The definition's settings as JSON. */
    public static JsonNode read(String settingsJson) throws PluginException {
        try {
            return JSON.readTree(settingsJson);
        } catch (IOException e) {
            throw new PluginException("settings are not valid JSON: " + e.getMessage());
        }
    }

    /**
     * Refuses a key that another kind's definition has but this kind does not: accepted, it would
     * be silently ignored, and the author would believe it in force.
     *
     * @param keys top-level keys, or {@code "outer.inner"}
     */
    public static void refuseForeign(JsonNode root, String kind, String... keys) throws PluginException {
        for (String key : keys) {
            int dot = key.indexOf('.');
            JsonNode at =
                    dot < 0 ? root.get(key) : root.path(key.substring(0, dot)).get(key.substring(dot + 1));
            if (at != null) {
                throw new PluginException(key + " is not a setting of " + kind + " plugins");
            }
        }
    }

    /** The shared part of settings {@link #read} gave; host names lower-cased. */
    public static SandboxSettings of(JsonNode root) throws PluginException {
        JsonNode limits = root.path("limits");
        long timeoutMs = Limits.positive(limits, "timeout_ms", DEFAULT_TIMEOUT_MS);
        long memoryMb = Limits.memoryMb(limits, DEFAULT_MEMORY_MB);
        long instances = Limits.positive(limits, "instances", DEFAULT_INSTANCES);
        if (instances > MAX_INSTANCES) {
            throw new PluginException("limits.instances must be at most " + MAX_INSTANCES);
        }
        List<String> hosts = new ArrayList<>();
        for (JsonNode h : root.path("capabilities").path("allowed_hosts")) {
            hosts.add(h.asText().toLowerCase(Locale.ROOT));
        }
        JsonNode kv = root.path("capabilities").path("kv");
        List<String> stores = new ArrayList<>();
        if (!kv.isMissingNode() && !kv.isNull()) {
            if (!kv.isArray()) {
                throw new PluginException("capabilities.kv must be a list of store names, e.g. [\"default\"]");
            }
            for (JsonNode n : kv) {
                if (!n.isTextual()
                        || !KeyValueStore.NAME_PATTERN.matcher(n.textValue()).matches()) {
                    throw new PluginException("capabilities.kv: '" + n.asText()
                            + "' is not a store name (1 to 64 letters, digits, '_', '.' or '-')");
                }
                if (!stores.contains(n.textValue())) {
                    stores.add(n.textValue());
                }
            }
        }
        return new SandboxSettings(timeoutMs, memoryMb, (int) instances, List.copyOf(hosts), List.copyOf(stores));
    }

    public long memoryBytes() {
        return memoryMb * 1024 * 1024;
    }
}
