package dev.valor.wasm.impl.run;

import dev.valor.api.Response;
import dev.valor.sandbox.internal.Excused;
import dev.valor.sandbox.internal.Priorities;
import dev.valor.sandbox.internal.Threads;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs wasm calls on threads of our own, never the server's, so that a deadline can interrupt
 * one: Chicory stops a running module within about a millisecond of its thread's interrupt, and
 * the thread goes back to the pool at once.
 */
public final class Deadlines implements AutoCloseable {

    private static final int MAX_THREADS = 256;

    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timer;

    public Deadlines() {
        // A deep but bounded stack: runaway recursion ends in a trap, not a crash.
        workers = new ThreadPoolExecutor(0, MAX_THREADS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                Threads.named("valor-wasm", true, 4L << 20));
        timer = new ScheduledThreadPoolExecutor(1, Threads.named("valor-wasm-deadlines", false, 0));
        timer.setRemoveOnCancelPolicy(true);
        timer.scheduleWithFixedDelay(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * How long a call runs at normal priority. Past it, its thread drops to the lowest OS priority
     * until the call ends, so a runaway or heavy plugin cannot starve short requests of the CPU
     * (with {@code -XX:ThreadPriorityPolicy=1}, which bin/valor sets, and only where the thread
     * may raise its priority again afterwards: see {@link Priorities}).
     */
    public static final long DEMOTE_AFTER_MS = 50;
    private static final long DEMOTE_NANOS = TimeUnit.MILLISECONDS.toNanos(DEMOTE_AFTER_MS);
    private static final long SWEEP_MS = 5;

    /** The calls in flight, for the sweep. */
    private final Set<Watched> calls = ConcurrentHashMap.newKeySet();

    /** The call a worker runs now; {@code cut} once its own deadline has passed. */
    private static final class Running {
        volatile boolean cut;
        private Thread thread; // guarded by this
        private boolean demoted; // guarded by this

        synchronized void start() {
            thread = Thread.currentThread();
        }

        synchronized void demote() {
            if (thread != null && !demoted && Priorities.DEMOTION) {
                thread.setPriority(Thread.MIN_PRIORITY);
                demoted = true;
            }
        }

        synchronized void interrupt() {
            if (thread != null) {
                thread.interrupt();
            }
        }

        synchronized void end() {
            if (demoted) {
                thread.setPriority(Thread.NORM_PRIORITY); // Priorities.DEMOTION: this is allowed
            }
            thread = null;
        }
    }

    private static final ThreadLocal<Running> RUNNING = new ThreadLocal<>();

    /**
     * Runs the call on a worker; past the deadline the worker is interrupted and the stage fails
     * with a {@link TimeoutException} (the router answers 504). When all workers are busy the
     * answer is 503. A failure or time-out marks the plugin's conduct.
     */
    public CompletableFuture<Response> run(Callable<Response> call, long timeoutMs, String what, Conduct conduct) {
        try {
            return submit(call, timeoutMs, what, conduct);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Response.text(503, "busy: too many wasm calls at once"));
        }
    }

    /**
     * Runs the call on a worker under a deadline, as {@link #run} does.
     *
     * @throws RejectedExecutionException when all workers are busy
     */
    public <T> CompletableFuture<T> submit(Callable<T> call, long timeoutMs, String what, Conduct conduct) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Running running = new Running();
        workers.execute(() -> {
            RUNNING.set(running);
            running.start();
            if (conduct.suspect()) {
                running.demote();
            }
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                if (!(t instanceof Excused)) {
                    conduct.failed();
                }
                result.completeExceptionally(t);
            } finally {
                running.end();
                RUNNING.remove();
                Thread.interrupted(); // a cut that came late is not the next call's
            }
        });
        Watched watched = new Watched(running, result, conduct, what, timeoutMs);
        calls.add(watched);
        result.whenComplete((r, e) -> calls.remove(watched));
        return result;
    }

    /** A call in flight as the sweep sees it. */
    private record Watched(Running running, CompletableFuture<?> result, Conduct conduct, String what,
            long timeoutMs, long started, long deadline) {

        Watched(Running running, CompletableFuture<?> result, Conduct conduct, String what, long timeoutMs) {
            this(running, result, conduct, what, timeoutMs, System.nanoTime(),
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs));
        }
    }

    /**
     * Every {@value #SWEEP_MS} ms: calls past {@link #DEMOTE_AFTER_MS} drop to the lowest priority,
     * calls past their deadline are cut. One sweep over the calls in flight costs less than a timer
     * task per call (as the router measured), and keeps deadlines to within a sweep.
     */
    private void sweep() {
        long now = System.nanoTime();
        for (Watched w : calls) {
            try {
                if (now - w.deadline() >= 0) {
                    if (w.result().completeExceptionally(new TimeoutException(w.what() + " ran past its " + w.timeoutMs()
                            + " ms deadline"))) {
                        w.conduct().failed();
                        w.running().cut = true;
                        w.running().interrupt();
                    }
                } else if (now - w.started() >= DEMOTE_NANOS) {
                    w.running().demote();
                }
            } catch (Throwable e) { // one call's trouble must not end the sweep for all
                org.slf4j.LoggerFactory.getLogger(Deadlines.class).warn("Sweeping {} failed", w.what(), e);
            }
        }
    }

    /** Whether the current thread is one of our workers running a call: one that {@link #inline} may nest in. */
    public boolean onWorker() {
        return RUNNING.get() != null;
    }

    /**
     * Runs a nested call (another plugin's, through a socket) on this worker, under its own deadline:
     * no thread hand-off, and past the deadline only the nested call is interrupted, not the caller.
     *
     * @throws TimeoutException past the nested deadline
     */
    public <T> T inline(Callable<T> call, long timeoutMs, String what) throws Exception {
        Running outer = RUNNING.get();
        if (outer == null) {
            throw new IllegalStateException("not on a wasm worker");
        }
        Thread me = Thread.currentThread();
        boolean[] state = new boolean[2]; // done, fired; guarded by itself
        Future<?> cut = timer.schedule(() -> {
            synchronized (state) {
                if (!state[0]) {
                    state[1] = true;
                    me.interrupt();
                }
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        try {
            return call.call();
        } catch (Exception | Error e) {
            synchronized (state) {
                if (state[1] && !outer.cut) {
                    throw new TimeoutException(what + " ran past its " + timeoutMs + " ms deadline");
                }
            }
            throw e;
        } finally {
            cut.cancel(false);
            synchronized (state) {
                state[0] = true;
                if (state[1] && !outer.cut) {
                    Thread.interrupted(); // the nested deadline's interrupt, not the caller's: gone with the call
                }
            }
        }
    }

    /**
     * Runs deploy-time work (instantiation, start functions) on a worker and waits for it, so a
     * module that loops while starting is interrupted instead of holding up every other deploy.
     *
     * @throws TimeoutException past the deadline
     * @throws ExecutionException with what the call threw as its cause
     */
    public <T> T await(Callable<T> call, long timeoutMs) throws TimeoutException, ExecutionException,
            InterruptedException {
        Future<T> task;
        try {
            task = workers.submit(call);
        } catch (RejectedExecutionException e) {
            throw new ExecutionException(new IllegalStateException("too many wasm calls at once"));
        }
        try {
            return task.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            task.cancel(true);
            throw e;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
