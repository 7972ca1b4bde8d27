package dev.valor.api.plugin;

import java.util.Locale;

/** The kinds of plugin: what a definition's {@code type} names. */
public enum PluginType {
    /** A Java OSGi bundle jar whose DS components provide Vlugin services; also spelled {@code bundle}. */
    NATIVE,
    /** A WebAssembly module. */
    WASM,
    /** A JavaScript file. */
    JS;

    /** The name as written in definitions. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a definition's {@code type}, accepting {@code bundle} for {@link #NATIVE}. */
    public static PluginType parse(String type) {
        switch (type.toLowerCase(Locale.ROOT)) {
            case "native":
            case "bundle":
                return NATIVE;
            case "wasm":
                return WASM;
            case "js":
            case "javascript":
                return JS;
            default:
                throw new IllegalArgumentException(
                        "unknown plugin type '" + type + "' (expected native, bundle, wasm or js)");
        }
    }
}
