package dev.valor.http.impl.dispatch;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads a request body as it arrives, without holding a server thread between its pieces (a
 * blocking read let a few hundred trickling uploads hold every thread), and ends a body that
 * arrives slower than the minimum rate: by its deadline, {@code grace + received / rate}, it must
 * have come further. The bytes held count against the server's {@link BodyBudget}.
 */
final class BodyReader implements ReadListener, Expiring {

    /** What becomes of the body: exactly one of these is called, once. */
    interface Outcome {
        void read(byte[] body);

        void refused(int status, String reason);
    }

    private static final int FIRST_CAPACITY = 8 * 1024;

    private final ServletInputStream in;
    private final long declared;
    private final int max;
    private final BodyBudget budget;
    private final long startNanos;
    private final long graceNanos;
    private final long minBytesPerSecond;
    private final Outcome outcome;
    private final AtomicBoolean done = new AtomicBoolean();

    private byte[] buffer = new byte[0];
    private int size;
    private volatile long received;
    private long reserved; // guarded by this
    private boolean released; // guarded by this

    /**
     * @param declared the Content-Length, or -1 for a chunked body
     * @param max      the largest body accepted; more is refused with 413
     */
    BodyReader(
            ServletInputStream in,
            long declared,
            long max,
            BodyBudget budget,
            long graceMs,
            long minBytesPerSecond,
            Outcome outcome) {
        this.in = in;
        this.declared = declared;
        this.max = (int) Math.min(max, Integer.MAX_VALUE - 16);
        this.budget = budget;
        this.startNanos = System.nanoTime();
        this.graceNanos = TimeUnit.MILLISECONDS.toNanos(graceMs);
        this.minBytesPerSecond = minBytesPerSecond;
        this.outcome = outcome;
    }

    @Override
    public void onDataAvailable() throws IOException {
        while (!done.get() && in.isReady()) {
            if (size == buffer.length && size == declared) {
                // All that was declared: what is left to read is the end, which brings onAllDataRead.
                if (in.read() >= 0) {
                    refuse(400, "request body longer than its Content-Length");
                }
                return;
            }
            if (size == buffer.length && !grow()) {
                return;
            }
            int n = in.read(buffer, size, buffer.length - size);
            if (n < 0) {
                return; // onAllDataRead follows
            }
            size += n;
            received = size;
        }
    }

    /** Makes room for more, within the body limit and the budget; false if the body was refused instead. */
    private boolean grow() {
        if (size >= max) {
            refuse(413, "request body exceeds " + max + " bytes");
            return false;
        }
        // Never the declared length at once: a header costs a client nothing, memory is ours.
        long wanted = Math.max(FIRST_CAPACITY, (long) size * 2);
        int capacity = (int) Math.min(wanted, declared > 0 ? Math.min(declared, max) : max + 1L);
        boolean reservedMore;
        synchronized (this) {
            reservedMore = !released && budget.reserve(capacity - buffer.length);
            if (reservedMore) {
                reserved += capacity - buffer.length;
            }
        }
        if (!reservedMore) {
            refuse(503, "busy: too many request bodies in memory");
            return false;
        }
        buffer = Arrays.copyOf(buffer, capacity);
        return true;
    }

    @Override
    public void onAllDataRead() {
        if (size > max) {
            refuse(413, "request body exceeds " + max + " bytes");
        } else if (done.compareAndSet(false, true)) {
            outcome.read(size == buffer.length ? buffer : Arrays.copyOf(buffer, size));
        }
    }

    @Override
    public void onError(Throwable failure) {
        refuse(400, "malformed or incomplete request body");
    }

    @Override
    public long deadlineNanos() {
        if (minBytesPerSecond <= 0) {
            return startNanos + graceNanos;
        }
        return startNanos + graceNanos + received * 1_000_000_000L / minBytesPerSecond;
    }

    @Override
    public void expire() {
        refuse(
                408,
                "request body too slow: " + received + " bytes in "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms");
    }

    /** Gives the body's bytes back to the budget; once its answer is written, or when it was refused. */
    synchronized void release() {
        if (!released) {
            released = true;
            budget.release(reserved);
            reserved = 0;
        }
    }

    private void refuse(int status, String reason) {
        if (done.compareAndSet(false, true)) {
            release();
            outcome.refused(status, reason);
        }
    }

    @Override
    public String toString() {
        return "request body (" + received + " bytes so far)";
    }
}
