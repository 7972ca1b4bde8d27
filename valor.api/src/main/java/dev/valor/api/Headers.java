package dev.valor.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An immutable, ordered list of HTTP header fields. A name may repeat; lookups ignore case and
 * keep the order in which the fields were given. Names keep the case they were given in.
 */
public final class Headers {

    private static final String[] NONE = new String[0];
    private static final Headers EMPTY = new Headers(NONE, 0);

    // name, value, name, value, ... : a flat array because header lists are short and scanned.
    private final String[] fields;
    private final int size;

    private Headers(String[] fields, int size) {
        this.fields = fields;
        this.size = size;
    }

    /** No headers. */
    public static Headers empty() {
        return EMPTY;
    }

    /** Headers from names and values given in turn: {@code of("content-type", "text/plain")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        Builder builder = new Builder(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    public static Builder builder() {
        return new Builder(8);
    }

    /** The number of fields, counting each repetition of a name. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The name of the {@code index}th field. */
    public String name(int index) {
        Objects.checkIndex(index, size);
        return fields[2 * index];
    }

    /** The value of the {@code index}th field. */
    public String value(int index) {
        Objects.checkIndex(index, size);
        return fields[2 * index + 1];
    }

    /** The first value of the named field, or {@code null} if there is none. */
    public String first(String name) {
        for (int i = 0; i < 2 * size; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                return fields[i + 1];
            }
        }
        return null;
    }

    /** Every value of the named field, in order; empty if there is none. */
    public List<String> all(String name) {
        List<String> values = null;
        for (int i = 0; i < 2 * size; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(fields[i + 1]);
            }
        }
        return values == null ? List.of() : Collections.unmodifiableList(values);
    }

    public boolean contains(String name) {
        return first(name) != null;
    }

    /** The distinct names, in order of first appearance, in the case of their first appearance. */
    public Set<String> names() {
        Set<String> lower = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < 2 * size; i += 2) {
            if (lower.add(fields[i].toLowerCase(Locale.ROOT))) {
                names.add(fields[i]);
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** Calls {@code action} with each field's name and value, in order. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < 2 * size; i += 2) {
            action.accept(fields[i], fields[i + 1]);
        }
    }

    /** These headers and one more field at the end. */
    public Headers with(String name, String value) {
        return toBuilder().add(name, value).build();
    }

    /** These headers with every field of that name replaced by one field with the value. */
    public Headers set(String name, String value) {
        return toBuilder().remove(name).add(name, value).build();
    }

    /** These headers without any field of that name. */
    public Headers without(String name) {
        if (!contains(name)) {
            return this;
        }
        return toBuilder().remove(name).build();
    }

    /** A builder that starts with these fields. */
    public Builder toBuilder() {
        Builder builder = new Builder(Math.max(size + 2, 4));
        System.arraycopy(fields, 0, builder.fields, 0, 2 * size);
        builder.size = size;
        return builder;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Headers)) {
            return false;
        }
        Headers other = (Headers) o;
        return size == other.size && Arrays.equals(fields, 0, 2 * size, other.fields, 0, 2 * other.size);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < 2 * size; i++) {
            h = 31 * h + fields[i].hashCode();
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < 2 * size; i += 2) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(fields[i]).append(": ").append(fields[i + 1]);
        }
        return s.append(']').toString();
    }

    /** Collects fields in order; not thread-safe, used once. */
    public static final class Builder {
        private String[] fields;
        private int size;

        private Builder(int capacity) {
            fields = capacity == 0 ? NONE : new String[2 * capacity];
        }

        /** Appends a field. Names must be non-empty and neither may hold CR or LF. */
        public Builder add(String name, String value) {
            checkName(name);
            checkValue(name, value);
            if (2 * size == fields.length) {
                fields = Arrays.copyOf(fields, Math.max(8, fields.length * 2));
            }
            fields[2 * size] = name;
            fields[2 * size + 1] = value;
            size++;
            return this;
        }

        /** Removes every field of that name. */
        public Builder remove(String name) {
            int kept = 0;
            for (int i = 0; i < size; i++) {
                if (!fields[2 * i].equalsIgnoreCase(name)) {
                    fields[2 * kept] = fields[2 * i];
                    fields[2 * kept + 1] = fields[2 * i + 1];
                    kept++;
                }
            }
            Arrays.fill(fields, 2 * kept, 2 * size, null);
            size = kept;
            return this;
        }

        public Headers build() {
            if (size == 0) {
                return EMPTY;
            }
            Headers headers = new Headers(fields, size);
            fields = NONE; // the built Headers owns the array now
            size = 0;
            return headers;
        }

        private static void checkName(String name) {
            Objects.requireNonNull(name, "header name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty header name");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c <= ' ' || c >= 0x7f || c == ':') {
                    throw new IllegalArgumentException("invalid character in header name: " + name);
                }
            }
        }

        private static void checkValue(String name, String value) {
            Objects.requireNonNull(value, () -> "value of header " + name);
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || c == '\n' || c == 0) {
                    throw new IllegalArgumentException("line break or NUL in value of header " + name);
                }
            }
        }
    }
}
