package dev.valor.js.impl;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A JavaScript answer's stream body as the router reads it: one subscriber, whose demand and
 * cancel reach the worker's loop ({@link JsWorker#wake}). The worker is the stream's from the
 * first request (or a cancel) until it ends: then it goes back to its pool, or is dropped.
 */
final class JsStream implements Flow.Publisher<ByteBuffer>, Flow.Subscription, JsWorker.Sink {

    private final JsWorker worker;
    /** Starts reading on a thread of Valor's (the router asks from Jetty's, which must not wait on a plugin). */
    private final Consumer<JsStream> start;

    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicLong demand = new AtomicLong();
    private volatile boolean cancelled;
    private volatile Flow.Subscriber<? super ByteBuffer> subscriber;

    JsStream(JsWorker worker, Consumer<JsStream> start) {
        this.worker = worker;
        this.start = start;
    }

    JsWorker worker() {
        return worker;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
        if (!subscribed.compareAndSet(false, true)) {
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            s.onError(new IllegalStateException("a plugin's stream is read once"));
            return;
        }
        subscriber = s;
        s.onSubscribe(this);
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            fail(new IllegalArgumentException("request(" + n + "): demand must be positive"));
            cancel();
            return;
        }
        demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
        go();
    }

    @Override
    public void cancel() {
        cancelled = true;
        go();
    }

    private void go() {
        if (started.compareAndSet(false, true)) {
            start.accept(this);
        } else {
            worker.wake();
        }
    }

    @Override
    public boolean wanted() {
        return demand.get() > 0;
    }

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    @Override
    public void next(byte[] chunk) {
        demand.decrementAndGet();
        if (!cancelled && !ended.get()) {
            subscriber.onNext(ByteBuffer.wrap(chunk));
        }
    }

    @Override
    public void complete() {
        if (ended.compareAndSet(false, true)) {
            subscriber.onComplete();
        }
    }

    @Override
    public void fail(Throwable failure) {
        if (ended.compareAndSet(false, true) && subscriber != null) {
            subscriber.onError(failure);
        }
    }
}
