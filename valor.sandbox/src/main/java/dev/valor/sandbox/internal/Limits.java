package dev.valor.sandbox.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.valor.api.plugin.PluginException;

/** Reading a definition's {@code limits}, the same way for every sandboxed kind. */
public final class Limits {

    private Limits() {}

    /**
     * {@code limits.FIELD} as a positive whole number, or the fallback when absent.
     *
     * @throws PluginException when it is there but not a positive number
     */
    public static long positive(JsonNode limits, String field, long fallback) throws PluginException {
        if (!limits.hasNonNull(field)) {
            return fallback;
        }
        JsonNode value = limits.get(field);
        if (!value.canConvertToLong() || value.asLong() <= 0) {
            throw new PluginException("limits." + field + " must be a positive number");
        }
        return value.asLong();
    }

    /** The largest {@code limits.memory_mb} any sandboxed plugin may be granted. */
    public static final long MAX_MEMORY_MB = 4096;

    /**
     * {@code limits.memory_mb}, or the fallback when absent.
     *
     * @throws PluginException when it is not a positive number up to {@value #MAX_MEMORY_MB}
     */
    public static long memoryMb(JsonNode limits, long fallback) throws PluginException {
        long mb = positive(limits, "memory_mb", fallback);
        if (mb > MAX_MEMORY_MB) {
            throw new PluginException("limits.memory_mb must be at most " + MAX_MEMORY_MB);
        }
        return mb;
    }
}
