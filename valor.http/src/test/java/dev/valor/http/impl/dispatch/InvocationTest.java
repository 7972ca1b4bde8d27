package dev.valor.http.impl.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.http.impl.route.Route;
import dev.valor.http.impl.route.RouteStats;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

class InvocationTest {

    private static Route route(long timeoutMs, long answersAfterMs) {
        return new Route(
                "slow",
                "native",
                "slow",
                request -> {
                    try {
                        Thread.sleep(answersAfterMs); // blocks the caller, as a Java plugin may
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return CompletableFuture.completedStage(Response.text("late"));
                },
                timeoutMs,
                0,
                1,
                new RouteStats(new LongAdder()));
    }

    private static Response call(Route route, Watchdog watchdog) throws Exception {
        Invocation invocation = new Invocation(
                route,
                Request.builder("GET", "/").requestId("r-1").build(),
                route.timeoutMs(),
                new FailureLog(NOPLogger.NOP_LOGGER, 10_000));
        invocation.start(watchdog);
        return invocation.answer().get(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldAnswer504ForAnAnswerPastTheLimitEvenWhenTheSweepDidNotComeBy() throws Exception {
        // A watchdog that never sweeps stands for one held up (a long pause of the JVM holds it and the plugin alike).
        Watchdog stalled = new Watchdog(new FailureLog(NOPLogger.NOP_LOGGER, 10_000));
        stalled.close();
        Response r = call(route(50, 150), stalled);
        assertEquals(504, r.status());
        assertEquals(
                "{\"error\":\"plugin did not answer within 50 ms\",\"requestId\":\"r-1\"}",
                r.body().text());
    }

    @Test
    void shouldAnswer500ForAnInterimOrUnknownStatusFromAPlugin() throws Exception {
        Watchdog watchdog = new Watchdog(new FailureLog(NOPLogger.NOP_LOGGER, 10_000));
        try {
            for (int status : new int[] {100, 101, 199, 600, 999}) {
                Route route = new Route(
                        "switcher",
                        "native",
                        "switcher",
                        request -> CompletableFuture.completedStage(
                                Response.text("upgrade").withStatus(status).withHeader("upgrade", "websocket")),
                        2_000,
                        0,
                        1,
                        new RouteStats(new LongAdder()));
                Response r = call(route, watchdog);
                assertEquals(500, r.status(), "status " + status);
                assertEquals(null, r.headers().first("upgrade"));
            }
        } finally {
            watchdog.close();
        }
    }

    @Test
    void shouldAnswer500ForHeadersPastTheResponseBuffer() throws Exception {
        Watchdog watchdog = new Watchdog(new FailureLog(NOPLogger.NOP_LOGGER, 10_000));
        try {
            Response big = Response.text("x").withHeader("x-big", "a".repeat(16 * 1024));
            Headers.Builder headers = Headers.builder();
            for (int i = 0; i < 20_000; i++) {
                headers.add("x-" + i, "v");
            }
            Response many = Response.of(200, headers.build(), new byte[0]);
            Response fits = Response.text("fits").withHeader("x-fits", "a".repeat(12 * 1024));
            for (Response answer : new Response[] {big, many}) {
                assertEquals(
                        500,
                        call(
                                        new Route(
                                                "loud",
                                                "native",
                                                "loud",
                                                request -> CompletableFuture.completedStage(answer),
                                                2_000,
                                                0,
                                                1,
                                                new RouteStats(new LongAdder())),
                                        watchdog)
                                .status());
            }
            assertEquals(
                    200,
                    call(
                                    new Route(
                                            "fits",
                                            "native",
                                            "fits",
                                            request -> CompletableFuture.completedStage(fits),
                                            2_000,
                                            0,
                                            1,
                                            new RouteStats(new LongAdder())),
                                    watchdog)
                            .status());
        } finally {
            watchdog.close();
        }
    }

    @Test
    void shouldPassOnAnAnswerWithinTheLimit() throws Exception {
        Watchdog watchdog = new Watchdog(new FailureLog(NOPLogger.NOP_LOGGER, 10_000));
        try {
            Response r = call(route(2_000, 0), watchdog);
            assertEquals(200, r.status());
            assertEquals("late", r.body().text());
        } finally {
            watchdog.close();
        }
    }
}
