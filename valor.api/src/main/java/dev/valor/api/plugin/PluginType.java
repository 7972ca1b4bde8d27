package dev.valor.api.plugin;

import java.util.List;
import java.util.Locale;

/** The kinds of plugin: what a definition's {@code type} names. */
public enum PluginType {
    /** A Java OSGi bundle jar whose DS components provide Vlugin services; also spelled {@code bundle}. */
    NATIVE(".jar"),
    /** A WebAssembly module. */
    WASM(".wasm"),
    /** A JavaScript file. */
    JS(".js", ".mjs");

    private final List<String> extensions;

    PluginType(String... extensions) {
        this.extensions = List.of(extensions);
    }

    /** The file name endings of its artifacts, e.g. {@code .jar}. */
    public List<String> extensions() {
        return extensions;
    }

    /** The type whose artifacts end like this file name, or {@code null}. */
    public static PluginType ofFileName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        for (PluginType type : values()) {
            for (String extension : type.extensions) {
                if (name.endsWith(extension) && name.length() > extension.length()) {
                    return type;
                }
            }
        }
        return null;
    }

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
