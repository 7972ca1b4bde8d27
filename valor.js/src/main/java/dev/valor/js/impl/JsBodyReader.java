package dev.valor.js.impl;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A streamed request body ({@code Request.bodyStream()}) as a script reads it: a chunk asked for
 * each time its stream pulls, and what arrives handed to the worker's loop, which settles the
 * pull on the context's thread. Nothing of the body is held here.
 */
final class JsBodyReader implements Flow.Subscriber<ByteBuffer> {

    /** What the loop is given: a chunk (Latin-1), or the end ({@code null}), or why the body failed. */
    interface Settle {
        void settle(String chunk, String failure);
    }

    private final Settle toLoop;
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();

    JsBodyReader(Flow.Publisher<ByteBuffer> body, Settle toLoop) {
        this.toLoop = toLoop;
        body.subscribe(this);
    }

    /** Asks for the next chunk; it comes through {@link Settle}. */
    void pull() {
        subscription.thenAccept(s -> s.request(1));
    }

    /** The script cancelled its stream, or the request is over: the rest is not read. */
    void cancel() {
        subscription.thenAccept(Flow.Subscription::cancel);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (!subscription.complete(s)) {
            s.cancel();
        }
    }

    @Override
    public void onNext(ByteBuffer chunk) {
        byte[] bytes = new byte[chunk.remaining()];
        chunk.get(bytes); // the publisher may reuse its buffer once this returns
        toLoop.settle(JsWire.latin1(bytes), null);
    }

    @Override
    public void onError(Throwable failure) {
        toLoop.settle(null, String.valueOf(failure.getMessage()));
    }

    @Override
    public void onComplete() {
        toLoop.settle(null, null);
    }
}
