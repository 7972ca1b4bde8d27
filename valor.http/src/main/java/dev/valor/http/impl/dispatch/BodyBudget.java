package dev.valor.http.impl.dispatch;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies held in memory at once, all requests together: {@code max.in.flight}
 * times {@code max.body.bytes} is more than a heap, so a flood of large uploads is refused with
 * 503 before it is an {@link OutOfMemoryError}.
 */
final class BodyBudget {

    private final AtomicLong used = new AtomicLong();
    private volatile long limit;

    BodyBudget(long limit) {
        this.limit = limit;
    }

    void limit(long limit) {
        this.limit = limit;
    }

    /** Takes n bytes of the budget, or nothing and false if that would pass the limit. */
    boolean reserve(long n) {
        while (true) {
            long now = used.get();
            if (now + n > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + n)) {
                return true;
            }
        }
    }

    void release(long n) {
        used.addAndGet(-n);
    }

    long used() {
        return used.get();
    }
}
