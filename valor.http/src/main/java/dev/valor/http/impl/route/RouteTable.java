package dev.valor.http.impl.route;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable map from prefix to the route that serves it. Built when Vlugin services come and
 * go, read on every request without locks.
 *
 * <p>Matching follows the original runtime: prefix {@code p} serves {@code /p} and {@code /p/...},
 * on whole path segments; the longest matching prefix wins.
 */
public final class RouteTable {

    public static final RouteTable EMPTY = new RouteTable(Map.of(), 0);

    private final Map<String, Route> byPrefix;
    private final int maxSegments;

    private RouteTable(Map<String, Route> byPrefix, int maxSegments) {
        this.byPrefix = byPrefix;
        this.maxSegments = maxSegments;
    }

    /** A table of the winners among these routes: for each prefix, the highest ranking, then the oldest. */
    public static RouteTable of(Collection<Route> routes) {
        Map<String, Route> winners = new HashMap<>();
        int maxSegments = 0;
        for (Route route : routes) {
            winners.merge(route.prefix(), route, (a, b) -> b.beats(a) ? b : a);
            maxSegments = Math.max(maxSegments, segments(route.prefix()));
        }
        return new RouteTable(Map.copyOf(winners), maxSegments);
    }

    /**
     * The route for a request path (as sent, starting with {@code /}), or {@code null}.
     */
    public Match match(String path) {
        if (byPrefix.isEmpty() || path.length() < 2 || path.charAt(0) != '/') {
            return null;
        }
        // Ends of the first maxSegments segments, longest first.
        int[] ends = new int[maxSegments];
        int count = 0;
        int i = 1;
        while (count < maxSegments) {
            int slash = path.indexOf('/', i);
            int end = slash < 0 ? path.length() : slash;
            if (end == i) { // empty segment: "//" or a trailing slash
                break;
            }
            ends[count++] = end;
            if (slash < 0) {
                break;
            }
            i = slash + 1;
        }
        for (int k = count - 1; k >= 0; k--) {
            Route route = byPrefix.get(path.substring(1, ends[k]));
            if (route != null) {
                String rest = ends[k] == path.length() ? "/" : path.substring(ends[k]);
                return new Match(route, rest);
            }
        }
        return null;
    }

    /** The winning routes, for inspection. */
    public List<Route> routes() {
        return new ArrayList<>(byPrefix.values());
    }

    private static int segments(String prefix) {
        int n = 1;
        for (int i = 0; i < prefix.length(); i++) {
            if (prefix.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }

    /**
     * A matched route and the path the plugin sees: what follows the prefix, {@code /} if nothing.
     */
    public record Match(Route route, String path) {}
}
