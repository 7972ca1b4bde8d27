package dev.valor.http.impl.dispatch;

import dev.valor.api.Response;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/** A streamed answer nobody will read (it came too late, or was refused): cancelled, so its plugin frees what it holds. */
final class Discarded implements Flow.Subscriber<ByteBuffer> {

    private static final Discarded INSTANCE = new Discarded();

    static void discard(Response response) {
        if (response != null && response.isStreamed()) {
            try {
                response.streamedBody().subscribe(INSTANCE);
            } catch (RuntimeException e) {
                // the plugin's publisher failed; nothing is read from it either way
            }
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.cancel();
    }

    @Override
    public void onNext(ByteBuffer item) {}

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {}
}
