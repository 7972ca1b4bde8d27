package dev.valor.sandbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.valor.api.plugin.MemoryBoundExceeded;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlinesTest {

    private final Deadlines deadlines = new Deadlines("test", 0, 1);

    @AfterEach
    void close() {
        deadlines.close();
    }

    private static Deadlines.Bounds bounds(long timeoutMs, long memoryBytes) {
        return new Deadlines.Bounds("plugin p", timeoutMs, memoryBytes, new Conduct());
    }

    private static Throwable failure(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(10, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the call never ended", e);
        }
    }

    @Test
    void shouldRunOnTheCallersThreadWhenClaimed() throws Exception {
        Thread me = Thread.currentThread();
        CompletableFuture<Thread> f =
                deadlines.runHere(() -> "instance", (claimed, running) -> Thread.currentThread(), bounds(1_000, 0));
        assertSame(me, f.get());
    }

    @Test
    void shouldNotRunHereWithoutAClaim() {
        AtomicBoolean ran = new AtomicBoolean();
        assertNull(deadlines.runHere(() -> null, (claimed, running) -> ran.getAndSet(true), bounds(1_000, 0)));
        assertFalse(ran.get());
    }

    @Test
    void shouldNotNestACallOnAThreadRunningOne() throws Exception {
        CompletableFuture<Object> outer = deadlines.runHere(
                () -> "a",
                (claimed, running) -> deadlines.runHere(() -> "b", (c, r) -> "nested", bounds(1_000, 0)),
                bounds(1_000, 0));
        assertNull(outer.get());
    }

    @Test
    void shouldRunOnAWorkerWhenSubmitted() throws Exception {
        assertNotSame(
                Thread.currentThread(),
                deadlines
                        .submit(running -> Thread.currentThread(), bounds(1_000, 0))
                        .get());
    }

    @Test
    void shouldCutALoopPastItsDeadlineAndStopWhatItRegistered() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        long start = System.nanoTime();
        CompletableFuture<Object> f = deadlines.runHere(
                () -> "instance",
                (claimed, running) -> {
                    running.onCut(stopped::countDown);
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.onSpinWait();
                    }
                    return "interrupted";
                },
                bounds(100, 0));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Throwable t = failure(f);
        assertTrue(t instanceof TimeoutException, String.valueOf(t));
        assertEquals("plugin p ran past its 100 ms deadline", t.getMessage());
        assertTrue(stopped.await(1, TimeUnit.SECONDS));
        assertTrue(tookMs >= 100 && tookMs < 2_000, tookMs + " ms");
        assertFalse(Thread.currentThread().isInterrupted(), "the caller's thread is left uninterrupted");
    }

    @Test
    void shouldCutAnAllocatorPastItsBound() throws Exception {
        CompletableFuture<Object> f = deadlines.submit(
                running -> {
                    List<byte[]> hoard = new ArrayList<>();
                    while (!Thread.currentThread().isInterrupted()) {
                        hoard.add(new byte[64 * 1024]);
                        if (hoard.size() > 64) {
                            hoard.remove(0); // keeps allocating without holding much
                        }
                    }
                    return hoard.size();
                },
                bounds(10_000, 16L << 20));
        Throwable t = failure(f);
        assertTrue(t instanceof MemoryBoundExceeded, String.valueOf(t));
        assertEquals("plugin p allocated more than 16 MiB", t.getMessage());
    }

    @Test
    void shouldNotStopAReleasedInstanceWhenCutLate() throws Exception {
        AtomicBoolean stopped = new AtomicBoolean();
        CompletableFuture<Boolean> f = deadlines.runHere(
                () -> "instance",
                (claimed, running) -> {
                    running.onCut(() -> stopped.set(true));
                    boolean reusable = running.release();
                    Thread.sleep(200); // the deadline passes after the instance went back
                    return reusable;
                },
                bounds(50, 0));
        assertTrue(failure(f) instanceof TimeoutException);
        assertFalse(stopped.get(), "a released instance is not stopped");
    }

    @Test
    void shouldMarkThePluginWhenACallFailsButNotWhenExcused() throws Exception {
        Conduct conduct = new Conduct();
        Deadlines.Bounds b = new Deadlines.Bounds("plugin p", 1_000, 0, conduct);
        class Answer extends RuntimeException implements Excused {}
        failure(deadlines.submit(
                running -> {
                    throw new Answer();
                },
                b));
        assertFalse(conduct.suspect());
        failure(deadlines.submit(
                running -> {
                    throw new IllegalStateException("trap");
                },
                b));
        assertTrue(conduct.suspect());
    }

    @Test
    void shouldLeaveTheCallersPriorityAsItWas() throws Exception {
        int before = Thread.currentThread().getPriority();
        deadlines
                .runHere(
                        () -> "instance",
                        (claimed, running) -> {
                            Thread.sleep(120); // past the demotion
                            return null;
                        },
                        bounds(1_000, 0))
                .get();
        assertEquals(before, Thread.currentThread().getPriority());
    }

    @Test
    void shouldCountTheAllocationBoundFromAfterTheClaim() throws Exception {
        CompletableFuture<Integer> f = deadlines.submit(
                () -> {
                    byte[][] instance = new byte[48][];
                    for (int i = 0; i < instance.length; i++) {
                        instance[i] = new byte[512 * 1024]; // 24 MiB: making the instance, not the request
                        Thread.sleep(1); // the sweeps run meanwhile
                    }
                    return instance;
                },
                (instance, running) -> {
                    Thread.sleep(50);
                    return instance.length;
                },
                bounds(10_000, 16L << 20));
        assertEquals(48, f.get(10, TimeUnit.SECONDS));
    }

    @Test
    void shouldNestInlineOnlyInItsOwnCalls() throws Exception {
        try (Deadlines other = new Deadlines("other", 0, 1)) {
            assertFalse(deadlines.onWorker());
            assertEquals(
                    List.of(true, false),
                    deadlines
                            .submit(running -> List.of(deadlines.onWorker(), other.onWorker()), bounds(1_000, 0))
                            .get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldCutANestedCallPastItsOwnDeadlineAndLetTheOuterCallGoOn() throws Exception {
        List<Object> seen = deadlines
                .submit(
                        running -> {
                            List<Object> r = new ArrayList<>();
                            try {
                                deadlines.inline(
                                        () -> {
                                            Thread.sleep(10_000);
                                            return null;
                                        },
                                        20,
                                        "plugin q");
                            } catch (TimeoutException e) {
                                r.add(e.getMessage());
                            }
                            r.add(Thread.currentThread()
                                    .isInterrupted()); // the nested deadline's interrupt is gone with it
                            r.add(deadlines.inline(() -> "next", 1_000, "plugin q"));
                            return r;
                        },
                        bounds(5_000, 0))
                .get(10, TimeUnit.SECONDS);
        assertEquals(List.of("plugin q ran past its 20 ms deadline", false, "next"), seen);
    }

    @Test
    void shouldLeaveANestedCallThatEndsInTimeUninterrupted() throws Exception {
        assertEquals(
                false,
                deadlines
                        .submit(
                                running -> {
                                    deadlines.inline(() -> "quick", 50, "plugin q");
                                    Thread.sleep(
                                            100); // past the nested deadline: its timer was cancelled, no interrupt
                                    // comes
                                    return Thread.currentThread().isInterrupted();
                                },
                                bounds(5_000, 0))
                        .get(10, TimeUnit.SECONDS));
    }
}
