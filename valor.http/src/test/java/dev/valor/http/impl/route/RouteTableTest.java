package dev.valor.http.impl.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static final Vlugin ANY = r -> CompletableFuture.completedStage(Response.status(204));

    private static Route route(String name, String prefix, int ranking, long id) {
        return new Route(name, "native", prefix, ANY, 0, ranking, id, new RouteStats(new LongAdder()));
    }

    private static RouteTable table(Route... routes) {
        return RouteTable.of(List.of(routes));
    }

    @Test
    void shouldServeThePrefixItselfAsRoot() {
        RouteTable.Match m = table(route("hello", "hello", 0, 1)).match("/hello");
        assertEquals("hello", m.route().name());
        assertEquals("/", m.path());
    }

    @Test
    void shouldStripThePrefixFromDeeperPaths() {
        RouteTable t = table(route("hello", "hello", 0, 1));
        assertEquals("/a/b", t.match("/hello/a/b").path());
        assertEquals("/", t.match("/hello/").path());
    }

    @Test
    void shouldMatchWholeSegmentsOnly() {
        RouteTable t = table(route("hello", "hello", 0, 1));
        assertNull(t.match("/helloworld"));
        assertNull(t.match("/hell"));
        assertNull(t.match("/x/hello"));
    }

    @Test
    void shouldPreferTheLongestMatchingPrefix() {
        RouteTable t = table(route("api", "api", 0, 1), route("v1", "api/v1", 0, 2));
        assertEquals("v1", t.match("/api/v1/users").route().name());
        assertEquals("/users", t.match("/api/v1/users").path());
        assertEquals("api", t.match("/api/v2/users").route().name());
        assertEquals("/v2/users", t.match("/api/v2/users").path());
        assertEquals("api", t.match("/api/v1x").route().name());
    }

    @Test
    void shouldAnswerNothingForRootOrUnknownPaths() {
        RouteTable t = table(route("hello", "hello", 0, 1));
        assertNull(t.match("/"));
        assertNull(t.match(""));
        assertNull(t.match("/nope"));
        assertNull(RouteTable.EMPTY.match("/hello"));
    }

    @Test
    void shouldGiveAClaimedPrefixToTheHighestRankingThenTheOldestService() {
        assertEquals(
                "old",
                table(route("new", "p", 0, 9), route("old", "p", 0, 3))
                        .match("/p")
                        .route()
                        .name());
        assertEquals(
                "ranked",
                table(route("old", "p", 0, 3), route("ranked", "p", 5, 9))
                        .match("/p")
                        .route()
                        .name());
    }

    @Test
    void shouldFallBackToTheNextServiceWhenTheWinnerLeaves() {
        Routes routes = new Routes();
        routes.put("first", "native", "p", ANY, 0, false, 0, 1);
        routes.put("second", "native", "p", ANY, 0, false, 0, 2);
        assertEquals("first", routes.table().match("/p").route().name());
        routes.remove(1);
        assertEquals("second", routes.table().match("/p").route().name());
        routes.remove(2);
        assertNull(routes.table().match("/p"));
    }

    @Test
    void shouldCountPerNameAcrossVersionsAndKeepCountersWhenPropertiesChange() {
        Routes routes = new Routes();
        Route v1 = routes.put("p", "native", "p", ANY, 0, false, 0, 1);
        v1.stats().enter();
        Route v1b = routes.put("p", "native", "q", ANY, 0, false, 0, 1);
        assertEquals(1, routes.inFlight(1));
        v1b.stats().leave();
        Route v2 = routes.put("p", "native", "p", ANY, 0, false, 1, 2);
        v2.stats().enter();
        v2.stats().leave();
        assertEquals(0, routes.inFlight(1));
        assertEquals(2, routes.served("p"));
        assertEquals(0, routes.served("nobody"));
    }
}
