package dev.valor.wasm.impl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.valor.api.plugin.PluginException;
import dev.valor.sandbox.internal.SandboxSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a wasm plugin's definition says beyond name and prefix: the ABI, what every sandboxed
 * kind reads the same way ({@link SandboxSettings}: limits, allowed hosts) and the capabilities
 * only wasm has. Deny by default: whatever is not granted here, the module does not get.
 *
 * <pre>{@code
 * "abi": "reactor" | "wagi",            // detected from the exports when absent
 * "entrypoint": "_start",               // WAGI only
 * "limits": {"memory_mb": 64, "timeout_ms": 10000, "instances": 4},
 * "capabilities": {"allowed_hosts": ["api.example.com"], "env": {"KEY": "value"},
 *                  "files": {"/data": "/srv/data"}}   // read-only folders, guest path: host folder
 * }</pre>
 */
public record WasmSettings(
        Abi abi,
        String entrypoint,
        int memoryPages,
        long timeoutMs,
        int instances,
        List<String> allowedHosts,
        List<String> kvStores,
        Map<String, String> env,
        Map<String, Path> files) {

    private static final int PAGES_PER_MB = 16; // 64 KiB pages

    /** The two kinds of module. */
    public enum Abi {
        /** Valor's reactor ABI: long-lived pooled instances. */
        REACTOR,
        /** CGI over WASI preview1: a fresh instance per request. */
        WAGI
    }

    public static WasmSettings parse(String settingsJson) throws PluginException {
        return parse(settingsJson, Paths.get("").toAbsolutePath());
    }

    /** @param base what relative host folders in {@code capabilities.files} are relative to */
    public static WasmSettings parse(String settingsJson, Path base) throws PluginException {
        JsonNode root = SandboxSettings.read(settingsJson);
        SandboxSettings.refuseForeign(root, "wasm", "style", "request");
        Abi abi = null;
        if (root.hasNonNull("abi")) {
            String a = root.get("abi").asText().toLowerCase(Locale.ROOT);
            switch (a) {
                case "reactor":
                case "valor":
                    abi = Abi.REACTOR;
                    break;
                case "wagi":
                    abi = Abi.WAGI;
                    break;
                default:
                    throw new PluginException("unknown abi '" + a + "' (expected reactor or wagi)");
            }
        }
        String entrypoint =
                root.hasNonNull("entrypoint") ? root.get("entrypoint").asText() : "_start";
        SandboxSettings shared = SandboxSettings.of(root);
        JsonNode caps = root.path("capabilities");
        Map<String, String> env = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = caps.path("env").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            env.put(e.getKey(), e.getValue().asText());
        }
        Map<String, Path> files = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = caps.path("files").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String guest = e.getKey();
            if (!guest.startsWith("/") || guest.contains("..")) {
                throw new PluginException("capabilities.files: the guest path '" + guest + "' must be absolute");
            }
            Path host = base.resolve(e.getValue().asText()).toAbsolutePath().normalize();
            if (!Files.isDirectory(host)) {
                throw new PluginException("capabilities.files: " + host + " is not a folder");
            }
            files.put(guest, host);
        }
        return new WasmSettings(
                abi,
                entrypoint,
                (int) (shared.memoryMb() * PAGES_PER_MB),
                shared.timeoutMs(),
                shared.instances(),
                shared.allowedHosts(),
                shared.kvStores(),
                Map.copyOf(env),
                Map.copyOf(files));
    }
}
