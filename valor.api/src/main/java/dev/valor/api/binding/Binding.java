package dev.valor.api.binding;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named, versioned interface of functions that take and return bytes, written {@code name@major}
 * ({@code markdown@1}). Two sides agree on a binding when name and major version are equal.
 *
 * @param name  letters, digits, {@code _ . -}
 * @param major the major version, at least 1
 */
public record Binding(String name, int major) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern TEXT = Pattern.compile("([A-Za-z0-9_.-]{1,64})@([1-9][0-9]{0,8})");

    public Binding {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "invalid binding name '" + name + "': use letters, digits, '_', '.' or '-'");
        }
        if (major < 1) {
            throw new IllegalArgumentException("binding " + name + ": the major version must be at least 1");
        }
    }

    /**
     * Reads {@code name@major}.
     *
     * @throws IllegalArgumentException for anything else, saying what is expected
     */
    public static Binding parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a binding: write name@major, e.g. markdown@1");
        }
        return new Binding(m.group(1), Integer.parseInt(m.group(2)));
    }

    /** {@code name@major}: the form definitions and service properties use. */
    @Override
    public String toString() {
        return name + "@" + major;
    }
}
