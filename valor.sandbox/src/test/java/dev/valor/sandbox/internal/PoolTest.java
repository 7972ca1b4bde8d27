package dev.valor.sandbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PoolTest {

    @Test
    void shouldClaimOnlyAnIdleInstanceInPlaceAndNeverMakeOne() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Pool<String> pool = new Pool<>(1, "instances", s -> {});
        assertNull(pool.tryTakeIdle());
        String taken = pool.take(1, TimeUnit.SECONDS, () -> "made " + made.incrementAndGet());
        assertEquals(1, made.get());
        assertNull(pool.tryTakeIdle()); // its one place is taken
        pool.put(taken);
        assertSame(taken, pool.tryTakeIdle());
        pool.put(taken);
        assertSame(taken, pool.take(1, TimeUnit.SECONDS, () -> "made " + made.incrementAndGet()));
        assertEquals(1, made.get());
    }
}
