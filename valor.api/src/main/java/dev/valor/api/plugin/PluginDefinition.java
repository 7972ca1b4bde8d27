package dev.valor.api.plugin;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One plugin as a definition declares it: an entry of plugins.json, e.g.
 * {@code {"name": "hello_alice", "prefix": "optional", "type": "native", "path": "with_state", "config": "Alice"}}.
 *
 * @param name       unique name: letters, digits, {@code _ . -}
 * @param prefix     URL prefix without slashes at either end; segments of letters, digits, {@code _ . - ~}
 * @param type       the kind of plugin
 * @param path       where its artifact is, as written in the definition
 * @param configJson the {@code config} value as JSON text, {@code null} when absent
 * @param settingsJson the definition's other fields ({@code limits}, {@code capabilities}, settings
 *                   of its kind such as {@code abi}) as a JSON object's text, {@code "{}"} when none
 */
public record PluginDefinition(String name, String prefix, PluginType type, String path, String configJson,
        String settingsJson) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.~-]+(/[A-Za-z0-9_.~-]+)*");

    /** Validates and normalizes; an invalid definition throws {@link IllegalArgumentException} saying why. */
    public PluginDefinition {
        Objects.requireNonNull(type, "type");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid plugin name '" + name
                    + "': use 1 to 128 letters, digits, '_', '.' or '-'");
        }
        prefix = normalizePrefix(prefix == null || prefix.isBlank() ? name : prefix);
        if (prefix.startsWith("_")) {
            throw new IllegalArgumentException("prefix '" + prefix + "' is reserved: prefixes starting with '_' belong to the runtime");
        }
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("plugin '" + name + "' has no path");
        }
        if (settingsJson == null || settingsJson.isBlank()) {
            settingsJson = "{}";
        }
    }

    /** A definition without further settings. */
    public PluginDefinition(String name, String prefix, PluginType type, String path, String configJson) {
        this(name, prefix, type, path, configJson, "{}");
    }

    /** The same definition with another path (an artifact found and made absolute, say). */
    public PluginDefinition withPath(String path) {
        return new PluginDefinition(name, prefix, type, path, configJson, settingsJson);
    }

    /**
     * A prefix without slashes at either end, checked: {@code "/api/v1/"} gives {@code "api/v1"}.
     *
     * @throws IllegalArgumentException if it holds characters a URL segment may not, or empty segments
     */
    public static String normalizePrefix(String prefix) {
        String p = prefix.strip();
        int from = 0;
        int to = p.length();
        while (from < to && p.charAt(from) == '/') {
            from++;
        }
        while (to > from && p.charAt(to - 1) == '/') {
            to--;
        }
        p = p.substring(from, to);
        if (!PREFIX.matcher(p).matches() || java.util.Arrays.stream(p.split("/")).anyMatch(s -> s.equals(".") || s.equals(".."))) {
            throw new IllegalArgumentException("invalid prefix '" + prefix
                    + "': use path segments of letters, digits, '_', '.', '-' or '~'");
        }
        return p;
    }
}
