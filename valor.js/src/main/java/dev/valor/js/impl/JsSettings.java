package dev.valor.js.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.valor.api.plugin.PluginException;
import dev.valor.sandbox.internal.Limits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a JavaScript plugin's definition says beyond name and prefix. Deny by default.
 *
 * <pre>{@code
 * "style": "worker" | "module",       // told from the file when absent (.mjs or ES exports: module)
 * "limits": {"timeout_ms": 10000, "memory_mb": 64, "instances": 4},
 * "capabilities": {"allowed_hosts": ["api.example.com"]}
 * }</pre>
 */
public record JsSettings(Style style, long timeoutMs, long memoryBytes, int instances, List<String> allowedHosts) {

    public static final long DEFAULT_TIMEOUT_MS = 10_000;
    public static final long DEFAULT_MEMORY_MB = 64;
    public static final int DEFAULT_INSTANCES = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the file answers. */
    public enum Style {
        /** A dedicated Web Worker: onmessage / postMessage. */
        WORKER,
        /** An ES module exporting handler(request), or default {fetch(request)}. */
        MODULE
    }

    public static JsSettings parse(String settingsJson) throws PluginException {
        JsonNode root;
        try {
            root = JSON.readTree(settingsJson);
        } catch (IOException e) {
            throw new PluginException("settings are not valid JSON: " + e.getMessage());
        }
        Style style = null;
        if (root.hasNonNull("style")) {
            String s = root.get("style").asText().toLowerCase(Locale.ROOT);
            if (s.equals("worker")) {
                style = Style.WORKER;
            } else if (s.equals("module")) {
                style = Style.MODULE;
            } else {
                throw new PluginException("unknown style '" + s + "' (expected worker or module)");
            }
        }
        JsonNode limits = root.path("limits");
        long timeout = Limits.positive(limits, "timeout_ms", DEFAULT_TIMEOUT_MS);
        long memoryMb = Limits.memoryMb(limits, DEFAULT_MEMORY_MB);
        long instances = Limits.positive(limits, "instances", DEFAULT_INSTANCES);
        if (instances > 1024) {
            throw new PluginException("limits.instances must be at most 1024");
        }
        List<String> hosts = new ArrayList<>();
        for (JsonNode h : root.path("capabilities").path("allowed_hosts")) {
            hosts.add(h.asText().toLowerCase(Locale.ROOT));
        }
        return new JsSettings(style, timeout, memoryMb * 1024 * 1024, (int) instances, List.copyOf(hosts));
    }
}
