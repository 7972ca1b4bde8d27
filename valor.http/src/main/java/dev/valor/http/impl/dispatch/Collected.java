package dev.valor.http.impl.dispatch;

import dev.valor.api.Response;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A streamed answer to an in-process call, collected into one body: the calling plugin reads
 * bytes, as from any other. Bounded by the body limit and the call's deadline; past either the
 * stream is cancelled and the call fails.
 */
final class Collected implements Flow.Subscriber<ByteBuffer> {

    private final Response head;
    private final long maxBytes;
    private final CompletableFuture<Response> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    private Collected(Response head, long maxBytes) {
        this.head = head;
        this.maxBytes = maxBytes;
    }

    /** The answer with its stream read whole; one that is not streamed, as it is. */
    static CompletableFuture<Response> of(Response response, long maxBytes, long deadlineNanos) {
        if (!response.isStreamed()) {
            return CompletableFuture.completedFuture(response);
        }
        Collected c = new Collected(response, maxBytes);
        long left = Math.max(1, deadlineNanos - System.nanoTime());
        c.result.orTimeout(left, TimeUnit.NANOSECONDS).whenComplete((r, e) -> {
            if (e instanceof TimeoutException) {
                c.cancel();
            }
        });
        response.streamedBody().subscribe(c);
        return c.result;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        if (subscription != null || result.isDone()) {
            s.cancel();
            return;
        }
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ByteBuffer item) {
        synchronized (this) {
            if (result.isDone()) {
                return;
            }
            if (bytes.size() + (long) item.remaining() > maxBytes) {
                subscription.cancel();
            } else {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.write(chunk, 0, chunk.length);
                return;
            }
        }
        result.completeExceptionally(new IllegalStateException("streamed answer exceeds " + maxBytes + " bytes"));
    }

    @Override
    public void onError(Throwable failure) {
        result.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        byte[] body;
        synchronized (this) {
            body = bytes.toByteArray();
        }
        result.complete(Response.of(head.status(), head.headers(), body));
    }

    private synchronized void cancel() {
        if (subscription != null) {
            subscription.cancel();
        }
    }
}
