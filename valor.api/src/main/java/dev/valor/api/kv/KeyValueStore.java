package dev.valor.api.kv;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One named store of plugin state (docs/kv.md): every plugin granted it sees the same keys. Every
 * operation is atomic on its own; {@link #increment} and {@link #compareAndSwap} are atomic on the
 * backend, so two nodes on one Redis never lose an update.
 *
 * <p>Keys are text of 1 to {@value #MAX_KEY_BYTES} bytes in UTF-8; values are bytes, up to the
 * store's {@link Usage#maxValueBytes()}. An operation that cannot be done completes exceptionally
 * with a {@link KeyValueException} saying why, and changes nothing. Stages complete on a thread of
 * the store's choosing, often at once on the caller's.
 */
@ProviderType
public interface KeyValueStore {

    /** Service property: the store's name, e.g. {@code default}. */
    String NAME = "valor.kv.store";

    /** What a store's name may be: 1 to 64 letters, digits, {@code _ . -}. */
    Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** Longest key, in UTF-8 bytes. */
    int MAX_KEY_BYTES = 512;

    /** Most keys one {@link #list} page holds. */
    int MAX_PAGE = 1000;

    /** The store's name: {@value #NAME} of its service. */
    String name();

    /** The value, or {@code null} when the key is absent or expired. */
    CompletionStage<byte[]> get(String key);

    /**
     * Sets the value.
     *
     * @param ttlSeconds seconds until the key expires; 0 keeps it until deleted
     */
    CompletionStage<Void> put(String key, byte[] value, long ttlSeconds);

    /** Sets the value with no expiry. */
    default CompletionStage<Void> put(String key, byte[] value) {
        return put(key, value, 0);
    }

    /** Removes the key; true if it was there. */
    CompletionStage<Boolean> delete(String key);

    /**
     * Keys starting with {@code prefix}, in the byte order of their UTF-8, a page at a time. A key
     * written during paging is seen if it sorts after the page already read.
     *
     * @param limit  at most this many, 1 to {@value #MAX_PAGE}
     * @param cursor where the previous page ended ({@link Page#cursor()}), or null for the first page
     */
    CompletionStage<Page> list(String prefix, int limit, String cursor);

    /**
     * Adds {@code delta} to the key's value, the decimal text of a 64-bit integer (absent counts as
     * 0), atomically, keeping its expiry; gives the new value.
     */
    CompletionStage<Long> increment(String key, long delta);

    /**
     * Sets the value only if the current one is {@code expected} ({@code null}: only if absent),
     * atomically.
     *
     * @return true if it was set
     */
    CompletionStage<Boolean> compareAndSwap(String key, byte[] expected, byte[] value, long ttlSeconds);

    /** What the store holds now and its limits. */
    CompletionStage<Usage> usage();

    /** A page of {@link #list}. */
    record Page(List<Key> keys, String cursor) {

        public Page {
            keys = List.copyOf(keys);
        }

        /** True on the last page: there is no {@link #cursor()} to go on from. */
        public boolean complete() {
            return cursor == null;
        }
    }

    /**
     * A key as {@link #list} gives it.
     *
     * @param expiration when it expires, in seconds since the epoch; 0 if it does not
     */
    record Key(String name, long expiration) {}

    /**
     * @param backend       what keeps the data, for an operator: {@code file:/.../default.db}, {@code redis://host:port/0}
     * @param keys          keys held (expired ones may count until swept)
     * @param bytes         their keys' and values' bytes
     * @param quotaBytes    most {@code bytes} may be; 0 for no quota
     * @param maxValueBytes largest value a put takes
     */
    record Usage(String backend, long keys, long bytes, long quotaBytes, long maxValueBytes) {}
}
