package dev.valor.js.impl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.valor.api.plugin.PluginException;
import dev.valor.sandbox.internal.SandboxSettings;
import java.util.List;
import java.util.Locale;

/**
 * What a JavaScript plugin's definition says beyond name and prefix: its style, and what every
 * sandboxed kind reads the same way ({@link SandboxSettings}). Deny by default.
 *
 * <pre>{@code
 * "style": "worker" | "module",       // told from the file when absent (.mjs or ES exports: module)
 * "limits": {"timeout_ms": 10000, "memory_mb": 64, "instances": 4},
 * "capabilities": {"allowed_hosts": ["api.example.com"], "kv": ["default"]},
 * "request": {"streamed": true}       // module style: request.body read as it arrives, not whole first
 * }</pre>
 */
public record JsSettings(
        Style style,
        long timeoutMs,
        long memoryBytes,
        int instances,
        List<String> allowedHosts,
        List<String> kvStores,
        boolean streamedRequest) {

    /** How the file answers. */
    public enum Style {
        /** A dedicated Web Worker: onmessage / postMessage. */
        WORKER,
        /** An ES module exporting handler(request), or default {fetch(request)}. */
        MODULE
    }

    public static JsSettings parse(String settingsJson) throws PluginException {
        JsonNode root = SandboxSettings.read(settingsJson);
        SandboxSettings.refuseForeign(
                root, "JavaScript", "abi", "entrypoint", "capabilities.env", "capabilities.files");
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
        JsonNode request = root.path("request");
        if (!request.isMissingNode() && !request.isObject()) {
            throw new PluginException("request must be an object, as {\"streamed\": true}");
        }
        JsonNode streamed = request.path("streamed");
        if (!streamed.isMissingNode() && !streamed.isBoolean()) {
            throw new PluginException("request.streamed must be true or false");
        }
        SandboxSettings shared = SandboxSettings.of(root);
        return new JsSettings(
                style,
                shared.timeoutMs(),
                shared.memoryBytes(),
                shared.instances(),
                shared.allowedHosts(),
                shared.kvStores(),
                streamed.asBoolean());
    }
}
