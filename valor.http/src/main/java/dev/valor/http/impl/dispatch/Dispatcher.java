package dev.valor.http.impl.dispatch;

import dev.valor.api.Body;
import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.http.impl.route.Route;
import dev.valor.http.impl.route.RouteTable;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one servlet of Valor: finds the Vlugin whose prefix claims the path, hands it the request
 * under the body and time limits, and writes its answer with the correlation and plugin headers.
 */
@Component(service = Servlet.class)
@Designate(ocd = RouterConfig.class)
@HttpWhiteboardServletName("valor")
@HttpWhiteboardServletPattern("/*")
@HttpWhiteboardServletAsyncSupported
public class Dispatcher extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final byte[] NO_BODY = new byte[0];

    @Reference
    private transient Invoker invoker;

    /** Requests between routing and answer; bounded by {@code max.in.flight}. */
    private final transient AtomicInteger inFlight = new AtomicInteger();

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long start = System.nanoTime();
        String requestId = RequestIds.from(req.getHeader("x-request-id"));
        String method = req.getMethod();
        // Route on the decoded, normalized path Jetty resolved; log and report the URI as sent.
        String uriPath = req.getRequestURI();
        String path = req.getPathInfo();
        if (path != null && isAmbiguous(uriPath, path)) {
            write(resp, Errors.response(400, "path parameters (';') and dot segments are not accepted in a request path",
                    requestId), null, requestId);
            invoker.logAccess("-", 400, method, uriPath, requestId, start);
            return;
        }

        RouteTable.Match match = path == null ? null : invoker.table().match(path);
        if (match == null) {
            write(resp, Errors.response(404, "no plugin serves " + uriPath, requestId), null, requestId);
            invoker.logAccess("-", 404, method, uriPath, requestId, start);
            return;
        }
        Route route = match.route();
        if (inFlight.incrementAndGet() > invoker.config().maxInFlight()) {
            inFlight.decrementAndGet();
            resp.setHeader("retry-after", "1");
            write(resp, Errors.response(503, "busy: too many requests at once", requestId), route.name(), requestId);
            invoker.logAccess(route.name(), 503, method, uriPath, requestId, start);
            return;
        }
        // Counted into the route from now: a swap will not close it under a body still uploading.
        route.stats().enter();
        boolean handedOver = false;
        try {
            handedOver = dispatch(req, resp, route, match, requestId, method, uriPath, start);
        } finally {
            if (!handedOver) {
                route.stats().leave();
                inFlight.decrementAndGet();
            }
        }
    }

    /** Reads the body and hands the request to the plugin; false if it was answered here instead. */
    private boolean dispatch(HttpServletRequest req, HttpServletResponse resp, Route route, RouteTable.Match match,
            String requestId, String method, String uriPath, long start) throws IOException {
        long max = invoker.config().maxBodyBytes();
        long declared = req.getContentLengthLong();
        byte[] body = NO_BODY;
        if (declared > max) {
            tooLarge(resp, route, max, method, uriPath, requestId, start);
            return false;
        } else if (declared > 0 || declared < 0 && req.getHeader("transfer-encoding") != null) {
            // HTTP/1.1: a request without Content-Length or Transfer-Encoding has no body; asking the
            // container for one anyway costs a read per request.
            ServletInputStream in = req.getInputStream();
            body = declared > 0 ? in.readNBytes((int) declared)
                    : in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 16));
            if (body.length > max) {
                tooLarge(resp, route, max, method, uriPath, requestId, start);
                return false;
            }
        }

        Request request;
        try {
            request = Request.builder(method, match.path())
                    .rawPath(rawRemainder(uriPath, route.prefix()))
                    .rawQuery(req.getQueryString())
                    .headers(headersOf(req))
                    .body(body)
                    .requestId(requestId)
                    .remoteAddress(req.getRemoteAddr())
                    .build();
        } catch (IllegalArgumentException e) {
            write(resp, Errors.response(400, "malformed request: " + e.getMessage(), requestId), route.name(), requestId);
            invoker.logAccess(route.name(), 400, method, uriPath, requestId, start);
            return false;
        }

        // Async before the plugin runs: the timer can answer 504 even if the plugin blocks this thread.
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        Invocation invocation = invoker.invoke(route, request);
        invocation.answer().thenAccept(answer -> {
            try {
                write(resp, answer, route.name(), requestId);
            } catch (IOException | RuntimeException e) {
                LOG.debug("Could not send the answer to request {}: {}", requestId, e.toString());
            } finally {
                inFlight.decrementAndGet();
                try {
                    async.complete();
                } catch (IllegalStateException e) {
                    LOG.debug("Request {} was already completed", requestId);
                }
                invoker.logAccess(route.name(), answer.status(), method, uriPath, requestId, start);
            }
        });
        invoker.start(invocation);
        return true;
    }

    private static void write(HttpServletResponse resp, Response answer, String plugin, String requestId)
            throws IOException {
        resp.setStatus(answer.status());
        Headers headers = answer.headers();
        for (int i = 0, n = headers.size(); i < n; i++) {
            String name = headers.name(i);
            if (!isFramingHeader(name)) {
                resp.addHeader(name, headers.value(i));
            }
        }
        if (plugin != null) {
            resp.setHeader("x-valor-plugin", plugin);
        }
        resp.setHeader("x-correlation-id", requestId);
        Body body = answer.body();
        resp.setContentLength(body.length());
        if (!body.isEmpty()) {
            body.writeTo(resp.getOutputStream());
        }
    }

    private void tooLarge(HttpServletResponse resp, Route route, long max, String method, String path,
            String requestId, long start) throws IOException {
        resp.setHeader("connection", "close"); // the unread body is not worth draining
        write(resp, Errors.response(413, "request body exceeds " + max + " bytes", requestId), route.name(), requestId);
        invoker.logAccess(route.name(), 413, method, path, requestId, start);
    }

    private static Headers headersOf(HttpServletRequest req) {
        Headers.Builder headers = Headers.builder();
        for (Enumeration<String> names = req.getHeaderNames(); names.hasMoreElements();) {
            String name = names.nextElement();
            for (Enumeration<String> values = req.getHeaders(name); values.hasMoreElements();) {
                headers.add(name, values.nextElement());
            }
        }
        return headers.build();
    }

    /** What follows the prefix in the URI as sent, or null when the client spelled the prefix differently. */
    private static String rawRemainder(String uri, String prefix) {
        int end = prefix.length() + 1;
        if (uri.startsWith(prefix, 1) && (uri.length() == end || uri.charAt(end) == '/')) {
            return uri.length() == end ? "/" : uri.substring(end);
        }
        return null;
    }

    /**
     * Whether the path Jetty resolved could differ from the one a proxy in front or the plugin
     * reads: Jetty drops {@code ;params} after resolving dot segments, so {@code /a;x/../b} comes
     * out {@code /a/../b}, routed to {@code a}. Refused, so routing and the plugin see one path.
     */
    static boolean isAmbiguous(String uriPath, String path) {
        if (uriPath.indexOf(';') >= 0) {
            return true;
        }
        return path.contains("/../") || path.contains("/./") || path.endsWith("/..") || path.endsWith("/.");
    }

    private static boolean isFramingHeader(String name) {
        return name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")
                || name.equalsIgnoreCase("connection");
    }
}
