package dev.valor.kv.impl;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * An operation done on the caller's thread, given as a completed stage: a store's operations take
 * microseconds (SQLite) or one round trip (Redis), less than a hand-off to another thread costs.
 */
public final class Immediate {

    private Immediate() {}

    /** The operation's result, or its failure, as a stage. */
    public static <T> CompletionStage<T> now(Supplier<T> op) {
        try {
            return CompletableFuture.completedFuture(op.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
