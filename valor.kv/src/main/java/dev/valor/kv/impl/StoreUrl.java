package dev.valor.kv.impl;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a store keeps its data and its options, as an operator writes it:
 * {@code file:var/kv/default.db?sync=full}, {@code redis://127.0.0.1:6379/0?quota_bytes=1000000}.
 * Options every backend takes: {@code max_value_bytes} (default 1 MiB), {@code quota_bytes} (0: none).
 */
public record StoreUrl(String scheme, String location, Map<String, String> options) {

    public static final long DEFAULT_MAX_VALUE_BYTES = 1 << 20;

    private static final Set<String> COMMON = Set.of("max_value_bytes", "quota_bytes");

    public static StoreUrl parse(String url) {
        int colon = url.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + url + "' is not a store URL (file:PATH or redis://HOST:PORT/DB)");
        }
        String scheme = url.substring(0, colon);
        if (!scheme.equals("file") && !scheme.equals("redis")) {
            throw new IllegalArgumentException("unknown store scheme '" + scheme + "' (file: or redis:)");
        }
        String rest = url.substring(colon + 1);
        Map<String, String> options = new LinkedHashMap<>();
        int q = rest.indexOf('?');
        if (q >= 0) {
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                options.put(k, v);
            }
            rest = rest.substring(0, q);
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("'" + url + "' names no " + (scheme.equals("file") ? "file" : "server"));
        }
        return new StoreUrl(scheme, rest, Map.copyOf(options));
    }

    /** The file of a {@code file:} store, a relative one resolved against {@code base}. */
    public Path file(Path base) {
        Path p = Path.of(location.startsWith("//") ? location.substring(2) : location);
        return p.isAbsolute() ? p : base.resolve(p).toAbsolutePath().normalize();
    }

    public long maxValueBytes() {
        return number("max_value_bytes", DEFAULT_MAX_VALUE_BYTES, 0);
    }

    public long quotaBytes() {
        return number("quota_bytes", 0, 0);
    }

    /** An option only this backend knows, or {@code fallback}; an unknown option is refused by {@link #check}. */
    public String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /** Refuses an option neither every backend nor this one takes: a misspelt limit must not pass silently. */
    public void check(Set<String> own) {
        for (String k : options.keySet()) {
            if (!COMMON.contains(k) && !own.contains(k)) {
                throw new IllegalArgumentException("unknown option '" + k + "' for a " + scheme + ": store (known: "
                        + String.join(", ", new TreeSet<>(union(own))) + ")");
            }
        }
    }

    private static Set<String> union(Set<String> own) {
        Set<String> all = new HashSet<>(COMMON);
        all.addAll(own);
        return all;
    }

    /**
     * A whole-number option of at least {@code min}, or {@code fallback} when absent.
     *
     * @throws IllegalArgumentException naming the option when it is not one
     */
    public long number(String name, long fallback, long min) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n < min) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be a whole number of at least " + min + ", not '" + v + "'");
        }
    }
}
