package dev.valor.http.impl.dispatch;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Flow;

/**
 * A request body handed to a plugin as it arrives ({@code Request.bodyStream()}): the servlet's
 * non-blocking input is read only as far as the subscriber asks, a buffer per request, so neither
 * the body nor a thread is held for it. Past the body limit, or when the client's framing breaks,
 * the stream fails and the router is told, to answer in the plugin's place if it still can.
 */
final class BodyStream implements Flow.Publisher<ByteBuffer>, Flow.Subscription, ReadListener {

    /** The body went wrong: the router answers with this status unless the plugin already did. */
    interface Refusal {
        void refused(int status, String reason);
    }

    private static final int CHUNK = 16 * 1024;

    private final OneAtATime steps = new OneAtATime();
    private final ServletInputStream in;
    private final long max;
    private final Refusal refusal;

    private Flow.Subscriber<? super ByteBuffer> subscriber; // guarded by this
    private long demand; // guarded by this
    private boolean readable; // guarded by this: onDataAvailable came and isReady has not said no since
    private boolean ended; // guarded by this: completed, failed or cancelled
    private long received; // guarded by this

    BodyStream(ServletInputStream in, long max, Refusal refusal) {
        this.in = in;
        this.max = max;
        this.refusal = refusal;
    }

    private static final Flow.Subscription NOTHING = new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
    };

    /** The stream of a request without a body: it ends at once. */
    static Flow.Publisher<ByteBuffer> none() {
        return s -> {
            s.onSubscribe(NOTHING);
            s.onComplete();
        };
    }

    /** Whether the body was read to its end (or given up): if not, the connection is not worth keeping. */
    synchronized boolean ended() {
        return ended;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
        boolean first;
        synchronized (this) {
            first = subscriber == null;
            if (first) {
                subscriber = s;
            }
        }
        if (!first) {
            s.onSubscribe(NOTHING);
            s.onError(new IllegalStateException("a request body is read once"));
            return;
        }
        s.onSubscribe(this);
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            fail(new IllegalArgumentException("request(" + n + "): demand must be positive"), 0, null);
            return;
        }
        synchronized (this) {
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        }
        pump();
    }

    @Override
    public synchronized void cancel() {
        ended = true;
    }

    @Override
    public void onDataAvailable() {
        synchronized (this) {
            readable = true;
        }
        pump();
    }

    @Override
    public void onAllDataRead() {
        synchronized (this) {
            readable = true; // the end is read like the rest: in order, after what came before it
        }
        pump();
    }

    @Override
    public void onError(Throwable failure) {
        fail(
                new IOException("malformed or incomplete request body", failure),
                400,
                "malformed or incomplete request body");
    }

    /** Reads what is asked for while it is there, on one thread at a time. */
    private void pump() {
        steps.run(this::step);
    }

    private boolean step() {
        Flow.Subscriber<? super ByteBuffer> to;
        byte[] chunk;
        Exception broken = null;
        synchronized (this) {
            if (ended || subscriber == null || !readable) {
                return false;
            }
            to = subscriber;
            try {
                if (in.isFinished()) {
                    ended = true;
                    chunk = null;
                } else if (demand == 0) {
                    return false;
                } else if (!in.isReady()) {
                    readable = false; // the container calls onDataAvailable (or onAllDataRead) when it is
                    return false;
                } else {
                    byte[] buffer = new byte[CHUNK];
                    int n = in.read(buffer);
                    if (n < 0) {
                        ended = true;
                        chunk = null;
                    } else {
                        received += n;
                        if (received > max) {
                            ended = true;
                            chunk = null;
                            to = null;
                        } else {
                            demand--;
                            chunk = n == buffer.length ? buffer : Arrays.copyOf(buffer, n);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                ended = true;
                to = null;
                chunk = null;
                broken = e;
            }
        }
        if (broken != null) {
            String reason = "malformed or incomplete request body";
            subscriber().onError(new IOException(reason, broken));
            refusal.refused(400, reason);
            return false;
        }
        if (to == null) {
            over();
            return false;
        }
        if (chunk == null) {
            to.onComplete();
            return false;
        }
        if (chunk.length > 0) {
            to.onNext(ByteBuffer.wrap(chunk));
        }
        return true;
    }

    private void over() {
        String reason = "request body exceeds " + max + " bytes";
        subscriber().onError(new IOException(reason));
        refusal.refused(413, reason);
    }

    private synchronized Flow.Subscriber<? super ByteBuffer> subscriber() {
        return subscriber;
    }

    private void fail(Exception e, int status, String reason) {
        Flow.Subscriber<? super ByteBuffer> s;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            s = subscriber;
        }
        if (s != null) {
            s.onError(e);
        }
        if (reason != null) {
            refusal.refused(status, reason);
        }
    }
}
