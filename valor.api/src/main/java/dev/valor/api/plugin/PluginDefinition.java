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
public record PluginDefinition(
        String name, String prefix, PluginType type, String path, String configJson, String settingsJson) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    /** Longest prefix, in characters: routing looks up every segment of a request path up to the deepest prefix. */
    public static final int MAX_PREFIX_LENGTH = 256;
    /** Most segments a prefix may have. */
    public static final int MAX_PREFIX_SEGMENTS = 16;

    /** Validates and normalizes; an invalid definition throws {@link IllegalArgumentException} saying why. */
    public PluginDefinition {
        Objects.requireNonNull(type, "type");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "invalid plugin name '" + shorten(name) + "': use 1 to 128 letters, digits, '_', '.' or '-'");
        }
        if (name.startsWith("_")) {
            throw new IllegalArgumentException(
                    "name '" + name + "' is reserved: names starting with '_' belong to the runtime");
        }
        prefix = normalizePrefix(prefix == null || prefix.isBlank() ? name : prefix);
        if (prefix.startsWith("_")) {
            throw new IllegalArgumentException(
                    "prefix '" + prefix + "' is reserved: prefixes starting with '_' belong to the runtime");
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
        if (p.length() > MAX_PREFIX_LENGTH) {
            throw new IllegalArgumentException(
                    "invalid prefix '" + shorten(p) + "': longer than " + MAX_PREFIX_LENGTH + " characters");
        }
        // A loop, not a regular expression: a repeated group recurses once per segment.
        int segments = 1;
        int start = 0;
        for (int i = 0; i <= p.length(); i++) {
            char c = i < p.length() ? p.charAt(i) : '/';
            if (c == '/') {
                String segment = p.substring(start, i);
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw invalidPrefix(prefix);
                }
                if (i < p.length() && ++segments > MAX_PREFIX_SEGMENTS) {
                    throw new IllegalArgumentException(
                            "invalid prefix '" + shorten(p) + "': more than " + MAX_PREFIX_SEGMENTS + " segments");
                }
                start = i + 1;
            } else if (!isPrefixChar(c)) {
                throw invalidPrefix(prefix);
            }
        }
        return p;
    }

    private static boolean isPrefixChar(char c) {
        return c >= 'a' && c <= 'z'
                || c >= 'A' && c <= 'Z'
                || c >= '0' && c <= '9'
                || c == '_'
                || c == '.'
                || c == '-'
                || c == '~';
    }

    private static IllegalArgumentException invalidPrefix(String prefix) {
        return new IllegalArgumentException(
                "invalid prefix '" + shorten(prefix) + "': use path segments of letters, digits, '_', '.', '-' or '~'");
    }

    /** An error quotes at most the start of what it refuses. */
    private static String shorten(String s) {
        return s == null || s.length() <= 80 ? s : s.substring(0, 80) + "... (" + s.length() + " characters)";
    }
}
