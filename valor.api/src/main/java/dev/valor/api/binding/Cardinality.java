package dev.valor.api.binding;

import java.util.Locale;

/** How many providers a socket takes, and whether the plugin can serve without one. */
public enum Cardinality {
    /** One provider, required: the consumer is not active without it. One result. */
    EXACTLY_ONE,
    /** One provider if there is one. One result, or none. */
    AT_MOST_ONE,
    /** Every provider, at least one required. A result per provider. */
    AT_LEAST_ONE,
    /** Every provider there is, perhaps none. A result per provider. */
    ANY;

    /** Whether the consumer needs a provider to be active. */
    public boolean mandatory() {
        return this == EXACTLY_ONE || this == AT_LEAST_ONE;
    }

    /** Whether a call goes to every provider rather than the best one. */
    public boolean multiple() {
        return this == AT_LEAST_ONE || this == ANY;
    }

    /** As definitions write it: {@code exactly-one}, {@code at-most-one}, {@code at-least-one}, {@code any}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Reads the definition's form; also {@code 1..1}, {@code 0..1}, {@code 1..n}, {@code 0..n}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Cardinality parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "exactly-one":
            case "1..1":
                return EXACTLY_ONE;
            case "at-most-one":
            case "0..1":
                return AT_MOST_ONE;
            case "at-least-one":
            case "1..n":
                return AT_LEAST_ONE;
            case "any":
            case "0..n":
                return ANY;
            default:
                throw new IllegalArgumentException(
                        "unknown cardinality '" + text + "' (expected exactly-one, at-most-one, at-least-one or any)");
        }
    }

    @Override
    public String toString() {
        return id();
    }
}
