package dev.valor.kv.impl;

import dev.valor.api.kv.KeyValueException;
import dev.valor.api.kv.KeyValueStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A store registered at once whose backend opens on a thread of its own: opening the embedded
 * store (SQLite's native library and its file) took ~0.4 s of the runtime's start, which nothing
 * needs to wait for until a plugin's first operation. That operation waits for the opening; once
 * open, every operation goes straight to the backend on the caller's thread. A backend that does
 * not open refuses every operation, saying why.
 */
final class OpeningStore implements KeyValueStore {

    private final String name;
    private final CompletableFuture<KeyValueStore> backend;

    OpeningStore(String name, CompletableFuture<KeyValueStore> backend) {
        this.name = name;
        this.backend = backend.handle((store, failure) -> {
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                throw new KeyValueException(
                        KeyValueException.Reason.UNAVAILABLE,
                        "store " + name + " did not open: " + cause.getMessage(),
                        cause);
            }
            return store;
        });
    }

    private <T> CompletionStage<T> on(Function<KeyValueStore, CompletionStage<T>> op) {
        KeyValueStore open = backend.getNow(null);
        return open != null ? op.apply(open) : backend.thenCompose(op);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<byte[]> get(String key) {
        return on(s -> s.get(key));
    }

    @Override
    public CompletionStage<Void> put(String key, byte[] value, long ttlSeconds) {
        return on(s -> s.put(key, value, ttlSeconds));
    }

    @Override
    public CompletionStage<Boolean> delete(String key) {
        return on(s -> s.delete(key));
    }

    @Override
    public CompletionStage<Page> list(String prefix, int limit, String cursor) {
        return on(s -> s.list(prefix, limit, cursor));
    }

    @Override
    public CompletionStage<Long> increment(String key, long delta) {
        return on(s -> s.increment(key, delta));
    }

    @Override
    public CompletionStage<Boolean> compareAndSwap(String key, byte[] expected, byte[] value, long ttlSeconds) {
        return on(s -> s.compareAndSwap(key, expected, value, ttlSeconds));
    }

    @Override
    public CompletionStage<Usage> usage() {
        return on(KeyValueStore::usage);
    }
}
