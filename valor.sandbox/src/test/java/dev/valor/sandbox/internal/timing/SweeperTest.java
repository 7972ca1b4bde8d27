package dev.valor.sandbox.internal.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One thread timing many things, the action left to its owner. */
class SweeperTest {

    /** A thing due at a time, completed by the owner's check once past it. */
    private record Due(long deadline, CompletableFuture<Long> expired) {
        Due(long inMillis) {
            this(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(inMillis), new CompletableFuture<>());
        }
    }

    private static boolean expire(Due due, long now) {
        if (now - due.deadline() < 0) {
            return false;
        }
        due.expired().complete(now);
        return true;
    }

    @Test
    void shouldActOnEachThingOnceItsTimeHasPassedAndNotBefore() throws Exception {
        try (Sweeper<Due> sweeper = new Sweeper<>("test-sweeper", 1, TimeUnit.MILLISECONDS, SweeperTest::expire)) {
            Due soon = new Due(20);
            Due later = new Due(200);
            sweeper.watch(soon);
            sweeper.watch(later);
            long soonAt = soon.expired().get(5, TimeUnit.SECONDS);
            assertTrue(soonAt - soon.deadline() >= 0);
            assertTrue(!later.expired().isDone(), "the later one is not due yet");
            long laterAt = later.expired().get(5, TimeUnit.SECONDS);
            assertTrue(laterAt - later.deadline() >= 0);
        }
    }

    @Test
    void shouldLeaveAForgottenThingAlone() throws Exception {
        try (Sweeper<Due> sweeper = new Sweeper<>("test-sweeper", 1, TimeUnit.MILLISECONDS, SweeperTest::expire)) {
            Due forgotten = new Due(10);
            Due witness = new Due(50);
            sweeper.watch(forgotten);
            sweeper.forget(forgotten);
            sweeper.watch(witness);
            witness.expired().get(5, TimeUnit.SECONDS); // swept past the forgotten one's time
            assertTrue(!forgotten.expired().isDone());
        }
    }

    @Test
    void shouldWakeFromIdleWhenSomethingIsWatched() throws Exception {
        try (Sweeper<Due> sweeper = new Sweeper<>("test-sweeper", 1, TimeUnit.MILLISECONDS, SweeperTest::expire)) {
            for (int i = 0; i < 50; i++) { // each time the sweeper has gone idle again
                Due due = new Due(0);
                sweeper.watch(due);
                due.expired().get(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void shouldKeepSweepingTheOthersWhenOneCheckThrows() throws Exception {
        AtomicInteger thrown = new AtomicInteger();
        Due bad = new Due(0);
        try (Sweeper<Due> sweeper = new Sweeper<>("test-sweeper", 1, TimeUnit.MILLISECONDS, (due, now) -> {
            if (due == bad && thrown.getAndIncrement() < 3) {
                throw new IllegalStateException("a broken check");
            }
            return expire(due, now);
        })) {
            sweeper.watch(bad);
            Due good = new Due(5);
            sweeper.watch(good);
            good.expired().get(5, TimeUnit.SECONDS);
            bad.expired().get(5, TimeUnit.SECONDS); // retried at the next sweeps
            assertEquals(4, thrown.get()); // three that threw, then the one that expired it
        }
    }
}
