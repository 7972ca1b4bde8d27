package dev.valor.http.impl.dispatch;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A streamed answer on its way to the client: takes one buffer at a time from the plugin's
 * publisher and writes it with the servlet's non-blocking output, flushed, before asking for the
 * next. The head goes with the first buffer, so until then a failure or the deadline can still
 * answer with an error; after it, only cutting the connection tells the client the body is not
 * whole. Past its deadline (the plugin's until the first buffer, then the stream's) the watchdog
 * ends it.
 */
final class StreamedAnswer implements Flow.Subscriber<ByteBuffer>, Expiring {

    /** How the stream ended, told once. */
    interface Ending {
        /**
         * @param status the status the client was sent
         * @param why    null for a whole body, else why it was cut or answered with an error
         */
        void ended(int status, String why);
    }

    /** The answer's head and the error answers, as the servlet writes them. */
    interface Head {
        /** Sets the status and headers of the plugin's answer, without a length. */
        void plugin(HttpServletResponse resp);

        /** Sets an error answer's status and headers; returns its body. */
        byte[] error(HttpServletResponse resp, int status, String reason);
    }

    private final OneAtATime steps = new OneAtATime();
    private final HttpServletResponse resp;
    private final Flow.Publisher<ByteBuffer> body;
    private final Head head;
    private final Ending ending;
    private final long maxStreamNanos;
    private final Watchdog watchdog;
    private volatile long deadlineNanos;

    private ServletOutputStream out; // guarded by this
    private Flow.Subscription subscription; // guarded by this
    private ByteBuffer pending; // guarded by this
    private boolean asked; // guarded by this: one buffer requested and not yet come
    private boolean flushing; // guarded by this
    private boolean complete; // guarded by this: the publisher is done, or an error answer is all that is left
    private boolean committed; // guarded by this
    private boolean finished; // guarded by this
    private int status; // guarded by this
    private String why; // guarded by this
    private boolean told; // guarded by this: the ending was handed out

    StreamedAnswer(
            HttpServletResponse resp,
            Flow.Publisher<ByteBuffer> body,
            int status,
            long firstByteDeadlineNanos,
            long maxStreamNanos,
            Watchdog watchdog,
            Head head,
            Ending ending) {
        this.resp = resp;
        this.body = body;
        this.status = status;
        this.head = head;
        this.ending = ending;
        this.maxStreamNanos = maxStreamNanos;
        this.watchdog = watchdog;
        this.deadlineNanos = firstByteDeadlineNanos;
    }

    /** Subscribes to the plugin's stream and starts writing as buffers come. */
    void start() throws IOException {
        watchdog.watch(this);
        synchronized (this) {
            out = resp.getOutputStream();
            out.setWriteListener(new Writes()); // before any write; Jetty calls onWritePossible once now
        }
        try {
            body.subscribe(this);
        } catch (RuntimeException e) {
            onError(e);
        }
    }

    /** The servlet's side: a write may go on, or the connection failed. */
    private final class Writes implements WriteListener {
        @Override
        public void onWritePossible() {
            pump();
        }

        @Override
        public void onError(Throwable failure) {
            synchronized (StreamedAnswer.this) {
                cut("the client went away: " + failure);
            }
            tell();
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        boolean refuse;
        synchronized (this) {
            refuse = subscription != null || finished;
            if (!refuse) {
                subscription = s;
            }
        }
        if (refuse) {
            s.cancel();
        } else {
            pump();
        }
    }

    @Override
    public void onNext(ByteBuffer buffer) {
        synchronized (this) {
            if (finished || !asked || subscription == null) {
                return; // after a cancel, or more than was asked for
            }
            asked = false;
            pending = buffer;
        }
        pump();
    }

    @Override
    public void onError(Throwable failure) {
        synchronized (this) {
            if (finished || complete) {
                return;
            }
            if (committed) {
                cut("the plugin's stream failed: " + failure);
            } else {
                errorAnswer(500, "plugin failed", "the plugin's stream failed before its first byte: " + failure);
            }
        }
        pump();
        tell();
    }

    @Override
    public void onComplete() {
        synchronized (this) {
            if (finished) {
                return;
            }
            complete = true;
        }
        pump();
    }

    @Override
    public long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public void expire() {
        synchronized (this) {
            if (finished) {
                return;
            }
            if (committed) {
                cut("the stream ran past its " + maxStreamNanos / 1_000_000 + " ms limit");
            } else {
                errorAnswer(
                        504, "plugin did not start its stream in time", "no first byte within the plugin's time limit");
            }
        }
        pump();
        tell();
    }

    /** Before the head: the rest is an error answer, and the plugin's stream is cancelled. */
    private void errorAnswer(int errorStatus, String reason, String logged) {
        cancelStream();
        asked = false;
        status = errorStatus;
        why = logged;
        pending = ByteBuffer.wrap(head.error(resp, errorStatus, reason));
        committed = true; // the error's head is set; the plugin's is never sent
        complete = true;
    }

    /** Writes what can be written now, on one thread at a time: neither the publisher's threads nor Jetty's wait. */
    private void pump() {
        steps.run(this::step);
        tell();
    }

    /** One move; false when there is nothing to do until a buffer, a write or the end comes. */
    private boolean step() {
        Flow.Subscription ask = null;
        synchronized (this) {
            if (finished || out == null || subscription == null && !complete) {
                return false;
            }
            try {
                if (pending != null) {
                    if (!out.isReady()) {
                        return false; // Jetty calls onWritePossible when it is
                    }
                    if (!committed) {
                        head.plugin(resp);
                        committed = true;
                        deadlineNanos = System.nanoTime() + maxStreamNanos;
                    }
                    ByteBuffer b = pending;
                    pending = null;
                    if (b.hasRemaining()) {
                        write(b);
                        flushing = true;
                    }
                    return true;
                }
                if (flushing) {
                    if (!out.isReady()) {
                        return false;
                    }
                    flushing = false;
                    out.flush();
                    return true;
                }
                if (complete) {
                    if (!out.isReady()) {
                        return false;
                    }
                    if (!committed) {
                        head.plugin(resp);
                        resp.setContentLength(0);
                    }
                    finish();
                    return false;
                }
                if (!asked) {
                    asked = true;
                    ask = subscription;
                }
            } catch (IOException | RuntimeException e) {
                cut("the answer could not be written: " + e);
                return false;
            }
        }
        if (ask != null) {
            ask.request(1); // outside the lock: the publisher may answer on this thread
            return true;
        }
        return false;
    }

    private void write(ByteBuffer b) throws IOException {
        if (b.hasArray()) {
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        } else {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            out.write(copy);
        }
    }

    private void cancelStream() {
        if (subscription != null) {
            Flow.Subscription s = subscription;
            subscription = null;
            try {
                s.cancel();
            } catch (RuntimeException e) {
                // the publisher's problem; the answer is ending anyway
            }
        }
    }

    /** Ends after the head: the connection is cut, so the client does not take a part for the whole. */
    private void cut(String reason) {
        if (finished) {
            return;
        }
        cancelStream();
        finished = true;
        why = reason;
        try {
            container(resp).sendError(-1); // Jetty's way to abort an exchange
        } catch (IOException | RuntimeException e) {
            // already gone
        }
    }

    /** Jetty's own response: the whiteboard's wrapper takes sendError for its error pages. */
    private static HttpServletResponse container(HttpServletResponse resp) {
        ServletResponse r = resp;
        while (r instanceof ServletResponseWrapper w) {
            r = w.getResponse();
        }
        return r instanceof HttpServletResponse h ? h : resp;
    }

    private void finish() {
        finished = true;
    }

    /** Hands the ending out once it is there, outside the lock: it completes the exchange. */
    private void tell() {
        int s;
        String w;
        synchronized (this) {
            if (!finished || told) {
                return;
            }
            told = true;
            s = status;
            w = why;
        }
        watchdog.forget(this);
        ending.ended(s, w);
    }
}
