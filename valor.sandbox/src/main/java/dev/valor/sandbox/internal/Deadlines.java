package dev.valor.sandbox.internal;

import com.sun.management.ThreadMXBean;
import dev.valor.api.plugin.MemoryBoundExceeded;
import dev.valor.sandbox.internal.timing.Sweeper;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs sandboxed calls under their bounds: a deadline, optionally a bound on what the call may
 * allocate, and a lower OS priority once it runs long. A {@link Sweeper} looks at the calls in
 * flight every few milliseconds and cuts the ones past a bound: their stage fails at once, their thread is interrupted (Chicory stops
 * within about a millisecond of it) and what the call registered with {@link Running#onCut} runs
 * (a JavaScript context is cancelled).
 *
 * <p>A call runs either on one of our workers ({@link #submit}) or on the caller's own thread
 * ({@link #runHere}, where {@link Placement} allows it): the sweeper bounds it the same way, and
 * the thread leaves with its interrupt flag and priority as it came.
 */
public final class Deadlines implements AutoCloseable {

    /**
     * How long a call runs at normal priority. Past it, its thread drops to the lowest OS priority
     * until the call ends, so a runaway or heavy plugin cannot starve short requests of the CPU
     * (with {@code -XX:ThreadPriorityPolicy=1}, which bin/valor sets, and only where the thread
     * may raise its priority again afterwards: see {@link Priorities}).
     */
    public static final long DEMOTE_AFTER_MS = 50;

    private static final long DEMOTE_NANOS = TimeUnit.MILLISECONDS.toNanos(DEMOTE_AFTER_MS);
    private static final int MAX_THREADS = 256;
    private static final ThreadLocal<Running> RUNNING = new ThreadLocal<>();

    private final Placement placement = new Placement();

    private final String kind;
    private final ThreadPoolExecutor workers;
    /** Nested calls' deadlines ({@link #inline}): rare, so a timer task each. */
    private final ScheduledThreadPoolExecutor timer;

    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Sweeper<Watched> calls;
    /**
     * Runs what cut calls registered (cancelling a JavaScript context waits for its thread to leave
     * it, which a host call can delay): never on the sweeper, which must keep cutting the others.
     * When all are busy the sweeper does it itself rather than forget it.
     */
    private final ThreadPoolExecutor stoppers;

    /**
     * What bounds one call; {@code memoryBytes} 0 when the engine bounds memory itself. A call
     * that waits most of its time (a stream's producer, between chunks) is bounded by the CPU time
     * it may use between {@link Running#renew renewals} ({@code cpuMs}, 0 for none) rather than by
     * a short wall deadline.
     */
    public record Bounds(String what, long timeoutMs, long memoryBytes, Conduct conduct, long cpuMs) {
        public Bounds(String what, long timeoutMs, long memoryBytes, Conduct conduct) {
            this(what, timeoutMs, memoryBytes, conduct, 0);
        }
    }

    /** A call that may register what stops it beyond its thread's interrupt. */
    public interface Call<T> {
        T call(Running running) throws Exception;
    }

    /**
     * @param kind        what runs, for messages ("wasm"); the workers are {@code valor-kind-N}, the
     *                    sweeper {@code valor-kind-deadlines}
     * @param stackSize   the workers' stack size in bytes, 0 for the JVM's default
     * @param sweepMillis how often the bounds are checked: what a call may overshoot them by
     */
    public Deadlines(String kind, long stackSize, long sweepMillis) {
        this.kind = kind;
        String name = "valor-" + kind.toLowerCase(Locale.ROOT);
        workers = new ThreadPoolExecutor(
                0, MAX_THREADS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), Threads.named(name, true, stackSize));
        timer = new ScheduledThreadPoolExecutor(1, Threads.named(name + "-nested", false, 0));
        timer.setRemoveOnCancelPolicy(true);
        stoppers = new ThreadPoolExecutor(
                0,
                8,
                30,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                Threads.named(name + "-stop", true, 0),
                new ThreadPoolExecutor.CallerRunsPolicy());
        THREADS.setThreadAllocatedMemoryEnabled(true);
        calls = new Sweeper<>(name + "-deadlines", sweepMillis, TimeUnit.MILLISECONDS, this::check);
    }

    /** The call running on a thread now, as the sweeper and the call itself see it. */
    public static final class Running {
        private final Deadlines owner;
        private volatile boolean cut;
        private Runnable onCut; // guarded by this
        private volatile long threadId;
        private volatile long startBytes;
        private volatile long cpuThreadId;
        private volatile long startCpu;
        private Thread thread; // guarded by this
        private int priority; // guarded by this
        private boolean demoted; // guarded by this

        private Running(Deadlines owner) {
            this.owner = owner;
        }

        /** What else stops this call when it is cut; runs at once if it already was. */
        public void onCut(Runnable stop) {
            boolean already;
            synchronized (this) {
                onCut = stop;
                already = cut;
            }
            if (already) {
                stop.run();
            }
        }

        /**
         * Forgets what {@link #onCut} registered, so that a cut from now on leaves it alone (an
         * instance about to be reused). False when the call was cut already: the instance was stopped.
         */
        public synchronized boolean release() {
            onCut = null;
            return !cut;
        }

        /** Whether a bound already cut this call (its stage has failed). */
        public boolean isCut() {
            return cut;
        }

        private synchronized void start(boolean suspect) {
            thread = Thread.currentThread();
            priority = thread.getPriority();
            if (suspect) {
                demote();
            }
        }

        /**
         * Counts the allocation bound from now, on the call's own thread: what it allocated before
         * (claiming or making its instance) is the runtime's, not the request's.
         */
        private void watchAllocations() {
            startBytes = THREADS.getCurrentThreadAllocatedBytes(); // before threadId: the sweeper reads that first
            threadId = Thread.currentThread().getId();
        }

        /**
         * Starts the call's CPU and allocation bounds afresh, on its own thread: a stream's
         * producer renews them with each chunk it gives, so they bound the work between two.
         *
         * @return what the call allocated since it started or was last renewed
         */
        public long renew() {
            long allocated = 0;
            if (threadId != 0) {
                long now = THREADS.getCurrentThreadAllocatedBytes();
                allocated = now - startBytes;
                startBytes = now;
            }
            if (cpuThreadId != 0) {
                startCpu = THREADS.getCurrentThreadCpuTime();
            }
            return allocated;
        }

        private void watchCpu() {
            startCpu = THREADS.getCurrentThreadCpuTime(); // before the id: the sweeper reads that first
            cpuThreadId = Thread.currentThread().getId();
        }

        /**
         * What the call has allocated so far, on its own thread: counted from after the claim when
         * its bounds have a memory bound, else 0.
         */
        public long allocated() {
            return threadId == 0 ? 0 : THREADS.getCurrentThreadAllocatedBytes() - startBytes;
        }

        private synchronized void demote() {
            if (thread != null && !demoted && Priorities.DEMOTION) {
                thread.setPriority(Thread.MIN_PRIORITY);
                demoted = true;
            }
        }

        /** Marks the call cut, interrupts its thread and hands what it registered to {@code stoppers}. */
        private void cut(Executor stoppers) {
            Runnable stop;
            synchronized (this) {
                cut = true;
                if (thread != null) {
                    thread.interrupt();
                }
                stop = onCut;
            }
            if (stop != null) {
                stoppers.execute(stop);
            }
        }

        private synchronized void end() {
            if (demoted) {
                thread.setPriority(priority); // Priorities.DEMOTION: raising it again is allowed
            }
            thread = null;
        }
    }

    /** A call in flight as the sweeper sees it; identity-keyed in the set (no record hashing per call). */
    private static final class Watched {
        private final Running running;
        private final CompletableFuture<?> result;
        private final Bounds bounds;
        private final long started;
        private final long deadline;

        Watched(Running running, CompletableFuture<?> result, Bounds bounds) {
            this.running = running;
            this.result = result;
            this.bounds = bounds;
            this.started = System.nanoTime();
            this.deadline = started + TimeUnit.MILLISECONDS.toNanos(bounds.timeoutMs());
        }
    }

    /**
     * Runs the call on a worker; past its bounds the stage fails (a {@link TimeoutException} past
     * the deadline: the router answers 504). A failure or a cut marks the plugin's conduct.
     *
     * @throws RejectedExecutionException when all workers are busy
     */
    public <T> CompletableFuture<T> submit(Call<T> call, Bounds bounds) {
        return submit(() -> Boolean.TRUE, (ignored, running) -> call.call(running), bounds);
    }

    /**
     * Runs the call on a worker once {@code claim} (run there, under the deadline, and interrupted
     * by it) has given it what it needs, such as an instance from a pool, made if need be. The
     * allocation bound counts from after the claim: making an instance is not what a request allocated.
     *
     * @throws RejectedExecutionException when all workers are busy
     */
    public <R, T> CompletableFuture<T> submit(Callable<R> claim, Claimed<R, T> call, Bounds bounds) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Running running = new Running(this);
        Watched watched = watch(running, result, bounds);
        try {
            workers.execute(() -> runOn(running, r -> afterClaim(claim.call(), call, r, bounds), bounds, result));
        } catch (RejectedExecutionException e) {
            calls.forget(watched);
            throw e;
        }
        return result;
    }

    /**
     * Runs the call on the current thread under the same bounds, when it can start at once: where
     * {@link Placement} allows it, and only with what {@code claim} finds free now (an idle instance). Returns once the
     * call has ended (a cut one ends within a sweep or so), or null, having run nothing, when it
     * could not start here: the caller then {@link #submit}s it.
     *
     * @throws RuntimeException what {@code claim} threw
     */
    public <R, T> CompletableFuture<T> runHere(Supplier<R> claim, Claimed<R, T> call, Bounds bounds) {
        if (!placement.tryHere(RUNNING.get() != null)) {
            return null;
        }
        boolean interrupted = Thread.interrupted(); // the thread's own, not the call's to see
        try {
            R claimed = claim.get();
            if (claimed == null) {
                return null;
            }
            CompletableFuture<T> result = new CompletableFuture<>();
            Running running = new Running(this);
            watch(running, result, bounds);
            runOn(running, r -> afterClaim(claimed, call, r, bounds), bounds, result);
            return result;
        } finally {
            placement.leave();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs the call with an instance from the pool: on this thread when {@code here} allows it and
     * one is idle ({@link #runHere}), else on a worker that takes one, made by {@code factory} if
     * need be, under the call's deadline ({@link #submit}).
     *
     * @throws RejectedExecutionException when all workers are busy
     */
    public <R, T> CompletableFuture<T> withInstance(
            Pool<R> pool, Supplier<R> factory, Claimed<R, T> call, Bounds bounds, boolean here) {
        if (here) {
            CompletableFuture<T> done = runHere(pool::tryTakeIdle, call, bounds);
            if (done != null) {
                return done;
            }
        }
        return submit(() -> pool.take(bounds.timeoutMs(), TimeUnit.MILLISECONDS, factory), call, bounds);
    }

    /** Runs a claimed call, its allocation bound counted from now. */
    private static <R, T> T afterClaim(R claimed, Claimed<R, T> call, Running running, Bounds bounds) throws Exception {
        if (bounds.memoryBytes() > 0) {
            running.watchAllocations();
        }
        if (bounds.cpuMs() > 0) {
            running.watchCpu();
        }
        return call.call(claimed, running);
    }

    /** A call of {@link #runHere}, given what was claimed for it. */
    public interface Claimed<R, T> {
        T call(R claimed, Running running) throws Exception;
    }

    /** Why a call was refused when all workers are busy, for the caller to answer with. */
    public String busy() {
        return "busy: " + tooMany();
    }

    private String tooMany() {
        return "too many " + kind + " calls at once";
    }

    private Watched watch(Running running, CompletableFuture<?> result, Bounds bounds) {
        Watched watched = new Watched(running, result, bounds);
        calls.watch(watched);
        result.whenComplete((r, e) -> calls.forget(watched));
        return watched;
    }

    private <T> void runOn(Running running, Call<T> call, Bounds bounds, CompletableFuture<T> result) {
        RUNNING.set(running);
        running.start(bounds.conduct().suspect());
        try {
            T answer = call.call(running);
            result.complete(answer);
        } catch (Throwable t) {
            if (!(t instanceof Excused)) {
                bounds.conduct().failed();
            }
            result.completeExceptionally(t);
        } finally {
            running.end();
            RUNNING.remove();
            Thread.interrupted(); // a cut that came late is not the thread's next work's
        }
    }

    /** At each sweep: past a bound, cut; past {@link #DEMOTE_AFTER_MS}, the lowest priority. */
    private boolean check(Watched w, long now) {
        Bounds b = w.bounds;
        if (now - w.deadline >= 0) {
            cut(w, new TimeoutException(b.what() + " ran past its " + b.timeoutMs() + " ms deadline"));
            return true;
        }
        if (b.memoryBytes() > 0) {
            long id = w.running.threadId;
            if (id != 0 && THREADS.getThreadAllocatedBytes(id) - w.running.startBytes > b.memoryBytes()) {
                cut(
                        w,
                        new MemoryBoundExceeded(
                                b.what() + " allocated more than " + b.memoryBytes() / (1024 * 1024) + " MiB"));
                return true;
            }
        }
        if (b.cpuMs() > 0) {
            long id = w.running.cpuThreadId;
            if (id != 0
                    && THREADS.getThreadCpuTime(id) - w.running.startCpu > TimeUnit.MILLISECONDS.toNanos(b.cpuMs())) {
                cut(
                        w,
                        new TimeoutException(
                                b.what() + " used more than " + b.cpuMs() + " ms of CPU without giving a chunk"));
                return true;
            }
        }
        if (now - w.started >= DEMOTE_NANOS) {
            w.running.demote();
        }
        return false;
    }

    private void cut(Watched w, Exception why) {
        if (w.result.completeExceptionally(why)) {
            w.bounds.conduct().failed();
            w.running.cut(stoppers);
        }
    }

    /** Whether the current thread is running one of this handler's calls: one that {@link #inline} may nest in. */
    public boolean onWorker() {
        Running running = RUNNING.get();
        return running != null && running.owner == this;
    }

    /**
     * Runs a nested call (another plugin's, through a socket) on this thread, under its own
     * deadline: no thread hand-off, and past the deadline only the nested call is interrupted, not
     * the caller.
     *
     * @throws TimeoutException past the nested deadline
     */
    public <T> T inline(Callable<T> call, long timeoutMs, String what) throws Exception {
        Running outer = RUNNING.get();
        if (outer == null || outer.owner != this) {
            throw new IllegalStateException("not running a call");
        }
        NestedDeadline deadline = new NestedDeadline(timer, timeoutMs);
        try {
            return call.call();
        } catch (Exception | Error e) {
            if (deadline.fired() && !outer.cut) {
                throw new TimeoutException(what + " ran past its " + timeoutMs + " ms deadline");
            }
            throw e;
        } finally {
            deadline.end(outer.cut); // the nested deadline's interrupt is gone with the call; a cut outer's stays
        }
    }

    /**
     * Runs deploy-time work (instantiation, start functions) on a worker and waits for it, so work
     * that loops while starting is interrupted instead of holding up every other deploy.
     *
     * @throws TimeoutException past the deadline
     * @throws ExecutionException with what the call threw as its cause
     */
    public <T> T await(Callable<T> call, long timeoutMs)
            throws TimeoutException, ExecutionException, InterruptedException {
        Future<T> task;
        try {
            task = workers.submit(call);
        } catch (RejectedExecutionException e) {
            throw new ExecutionException(new IllegalStateException(tooMany()));
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
        calls.close();
        timer.shutdownNow();
        stoppers.shutdownNow();
        workers.shutdownNow();
    }
}
