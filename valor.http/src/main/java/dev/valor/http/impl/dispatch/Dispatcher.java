package dev.valor.http.impl.dispatch;

import dev.valor.api.Body;
import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.TraceContext;
import dev.valor.api.plugin.Lifecycle;
import dev.valor.http.impl.listen.Listeners;
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
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
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

    private transient Drain drain;

    @Reference
    private transient Listeners listeners;

    @Activate
    void activate(BundleContext context) {
        drain = new Drain(context, inFlight::get, listeners::close);
    }

    @Deactivate
    void deactivate() {
        drain.close();
    }

    /** The launcher is stopping the runtime (Lifecycle#STOPPING): drain the requests in flight. */
    @Reference(
            service = Object.class,
            target = Lifecycle.STOPPING,
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            unbind = "unstopping")
    void stopping(Object marker, Map<String, Object> props) {
        Object grace = props.get(Lifecycle.GRACE_MS);
        drain.begin(grace == null ? 0 : Long.parseLong(grace.toString()));
    }

    void unstopping(Object marker) {
        // a stop is not taken back
    }

    /** One fewer request in flight; the drain hears when none is left. */
    private void left() {
        if (inFlight.decrementAndGet() == 0) {
            drain.idle();
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long start = System.nanoTime();
        String requestId = RequestIds.from(req.getHeader("x-request-id"));
        String method = req.getMethod();
        // Route on the decoded, normalized path Jetty resolved; log and report the URI as sent.
        String uriPath = req.getRequestURI();
        String path = req.getPathInfo();
        String traceparent = traceOf(req.getHeader(TraceContext.TRACEPARENT));
        if (path != null && isAmbiguous(uriPath, path)) {
            write(
                    resp,
                    Errors.response(
                            400,
                            "path parameters (';') and dot segments are not accepted in a request path",
                            requestId),
                    null,
                    requestId);
            invoker.answered(null, 400, method, uriPath, requestId, traceparent, start);
            return;
        }

        RouteTable.Match match = path == null ? null : invoker.table().match(path);
        if (match == null) {
            write(resp, Errors.response(404, "no plugin serves " + uriPath, requestId), null, requestId);
            invoker.answered(null, 404, method, uriPath, requestId, traceparent, start);
            return;
        }
        Route route = match.route();
        if (drain.refuses()) {
            resp.setHeader("connection", "close");
            write(resp, Errors.response(503, "the runtime is stopping", requestId), route.name(), requestId);
            invoker.answered(route, 503, method, uriPath, requestId, traceparent, start);
            return;
        }
        if (inFlight.incrementAndGet() > invoker.config().maxInFlight()) {
            left();
            resp.setHeader("retry-after", "1");
            write(resp, Errors.response(503, "busy: too many requests at once", requestId), route.name(), requestId);
            invoker.answered(route, 503, method, uriPath, requestId, traceparent, start);
            return;
        }
        // Counted into the route from now: a swap will not close it under a body still uploading.
        route.stats().enter();
        Exchange exchange = new Exchange(req, resp, route, match, requestId, traceparent, method, uriPath, start);
        boolean handedOver = false;
        try {
            handedOver = exchange.begin();
        } finally {
            if (!handedOver) {
                route.stats().leave();
                left();
            }
        }
    }

    /** One request from its route to its answer: the body read as it arrives, then the plugin's call. */
    private final class Exchange implements BodyReader.Outcome {
        private final HttpServletRequest req;
        private final HttpServletResponse resp;
        private final Route route;
        private final RouteTable.Match match;
        private final String requestId;
        private final String traceparent;
        private final long start;
        // Kept: after completion the container recycles the request.
        private final String method;
        private final String uriPath;
        private AsyncContext async; // guarded by this; none while an answer may still be written in the dispatch
        private boolean answeredInDispatch; // guarded by this
        private BodyReader reader;
        private BodyStream bodyStream; // when the route reads bodies as they arrive
        private volatile Invocation invocation; // read by the body stream's refusal
        private long deadlineNanos; // the plugin's, which bounds a streamed answer's first byte
        private volatile Thread calling; // the thread in the plugin's call, while it is in it

        Exchange(
                HttpServletRequest req,
                HttpServletResponse resp,
                Route route,
                RouteTable.Match match,
                String requestId,
                String traceparent,
                String method,
                String uriPath,
                long start) {
            this.req = req;
            this.resp = resp;
            this.route = route;
            this.match = match;
            this.requestId = requestId;
            this.traceparent = traceparent;
            this.start = start;
            this.method = method;
            this.uriPath = uriPath;
        }

        /** Starts reading the body or calling the plugin; false if it was answered here instead. */
        boolean begin() throws IOException {
            long max = invoker.config().maxBodyBytes();
            long declared = req.getContentLengthLong();
            if (declared > max) {
                resp.setHeader("connection", "close"); // the unread body is not worth draining
                write(
                        resp,
                        Errors.response(413, "request body exceeds " + max + " bytes", requestId),
                        route.name(),
                        requestId);
                invoker.answered(route, 413, method, uriPath, requestId, traceparent, start);
                return false;
            }
            // HTTP/1.1: a request without Content-Length or Transfer-Encoding has no body; asking the
            // container for one anyway costs a read per request.
            if (declared > 0 || declared < 0 && req.getHeader("transfer-encoding") != null) {
                goAsync(); // the body is read as it arrives, not on this thread
                ServletInputStream in = req.getInputStream();
                if (route.streamedBody()) {
                    streamBody(in, max);
                    return true;
                }
                reader = invoker.bodyReader(in, declared, this);
                try {
                    in.setReadListener(reader);
                } catch (RuntimeException e) {
                    refused(400, "request body cannot be read");
                }
            } else {
                // Called on this thread first: an answer given here is written here, as a bare
                // servlet writes it. One that comes later, from a worker or from the watchdog
                // (a plugin blocking this thread past its deadline), makes the exchange asynchronous
                // itself, on its own thread: Jetty lets it while this one is still in the dispatch.
                call(NO_BODY);
                synchronized (this) {
                    if (!answeredInDispatch) {
                        goAsync();
                    }
                }
            }
            return true;
        }

        /** Makes the exchange asynchronous, once: the answer is then written on whatever thread it comes. */
        private synchronized void goAsync() {
            if (async == null) {
                async = req.startAsync();
                async.setTimeout(0);
            }
        }

        @Override
        public void read(byte[] body) {
            invoker.forget(reader);
            call(body);
        }

        @Override
        public void refused(int status, String reason) {
            if (reader != null) {
                invoker.forget(reader);
            }
            resp.setHeader("connection", "close"); // what is left of the body is not worth reading
            route.stats().leave();
            answer(Errors.response(status, reason, requestId));
        }

        /** The plugin is called now and reads the body as it arrives: nothing of it is held here. */
        private void streamBody(ServletInputStream in, long max) {
            bodyStream = new BodyStream(in, max, (status, reason) -> {
                Invocation call = invocation;
                if (call != null) {
                    resp.setHeader("connection", "close");
                    call.cut(Errors.response(status, reason, requestId));
                }
            });
            call(NO_BODY);
            try {
                in.setReadListener(bodyStream);
            } catch (RuntimeException e) {
                LOG.debug("Request {} was answered before its body was read: {}", requestId, e.toString());
            }
        }

        private void call(byte[] body) {
            calling = Thread.currentThread();
            try {
                callOnThisThread(body);
            } finally {
                calling = null;
            }
        }

        private void callOnThisThread(byte[] body) {
            Request request;
            try {
                request = Request.builder(method, match.path())
                        .rawPath(rawRemainder(uriPath, route.prefix()))
                        .rawQuery(req.getQueryString())
                        .headers(traced(headersOf(req), traceparent))
                        .body(body)
                        .bodyStream(bodyStream != null ? bodyStream : route.streamedBody() ? BodyStream.none() : null)
                        .requestId(requestId)
                        .remoteAddress(req.getRemoteAddr())
                        .deadlineNanos(invoker.deadlineNanos(route))
                        .build();
                deadlineNanos = request.deadlineNanos();
            } catch (IllegalArgumentException e) {
                route.stats().leave();
                answer(Errors.response(400, "malformed request: " + e.getMessage(), requestId));
                return;
            }
            invocation = invoker.invoke(route, request);
            invocation.answer().thenAccept(this::answer);
            invoker.start(invocation);
        }

        /** Writes the answer and ends the exchange; the route was left already. */
        private void answer(Response answer) {
            boolean inDispatch;
            synchronized (this) {
                inDispatch = async == null && calling == Thread.currentThread() && !answer.isStreamed();
                answeredInDispatch = inDispatch;
                if (!inDispatch) {
                    try {
                        goAsync();
                    } catch (IllegalStateException e) { // the container ended the exchange: nobody to answer
                        LOG.debug("Request {} ended before its answer: {}", requestId, e.toString());
                        Discarded.discard(answer);
                        left();
                        invoker.answered(route, answer.status(), method, uriPath, requestId, traceparent, start);
                        return;
                    }
                }
            }
            // The body's share of the memory budget goes back before the client hears: a client
            // that sends its next body on this answer finds the budget as this request left it.
            if (reader != null) {
                reader.release();
            }
            // The rest of the body is not worth reading; a streamed answer may still read it all
            // (an echo), and Jetty closes the connection if the body is unread when the answer ends.
            if (bodyStream != null && !bodyStream.ended() && !answer.isStreamed()) {
                resp.setHeader("connection", "close");
            }
            // Past the deadline with the server's thread still in the plugin (a Java plugin that
            // blocks it): the connection reads nothing more until the plugin lets go, so the
            // client's next request, or a proxy's for another client, goes on a new one.
            Thread inPlugin = calling;
            if (inPlugin != null && inPlugin != Thread.currentThread() && System.nanoTime() - deadlineNanos >= 0) {
                resp.setHeader("connection", "close");
            }
            if (answer.isStreamed()) {
                stream(answer);
                return;
            }
            try {
                write(resp, answer, route.name(), requestId);
            } catch (IOException | RuntimeException e) {
                LOG.debug("Could not send the answer to request {}: {}", requestId, e.toString());
            } finally {
                left();
                if (!inDispatch) {
                    try {
                        async.complete();
                    } catch (IllegalStateException e) {
                        LOG.debug("Request {} was already completed", requestId);
                    }
                }
                invoker.answered(route, answer.status(), method, uriPath, requestId, traceparent, start);
            }
        }

        /** Writes a streamed answer as it comes; the exchange ends with the stream. */
        private void stream(Response answer) {
            StreamedAnswer.Head head = new StreamedAnswer.Head() {
                @Override
                public void plugin(HttpServletResponse r) {
                    head(r, answer, route.name(), requestId);
                }

                @Override
                public byte[] error(HttpServletResponse r, int status, String reason) {
                    Response error = Errors.response(status, reason, requestId);
                    head(r, error, route.name(), requestId);
                    r.setContentLength(error.body().length());
                    return error.body().bytes();
                }
            };
            StreamedAnswer streamed = invoker.streamed(resp, answer, deadlineNanos, head, this::ended);
            try {
                streamed.start();
            } catch (IOException | RuntimeException e) {
                Discarded.discard(answer);
                ended(answer.status(), "the stream could not start: " + e);
            }
        }

        private void ended(int status, String why) {
            if (why != null) {
                LOG.debug("Streamed answer to request {} ended early: {}", requestId, why);
            }
            left();
            try {
                async.complete();
            } catch (IllegalStateException e) {
                LOG.debug("Request {} was already completed", requestId);
            }
            invoker.answered(route, status, method, uriPath, requestId, traceparent, start);
        }
    }

    /**
     * The client's trace context, or a new trace when it sent none that is valid (then its
     * tracestate goes too, as W3C Trace Context says): every plugin call carries one on.
     */
    static String traceOf(String given) {
        return TraceContext.valid(given) ? given : TraceContext.start();
    }

    /** The headers with {@code traceparent}, from {@link #traceOf}, as the only one. */
    static Headers traced(Headers headers, String traceparent) {
        String given = headers.first(TraceContext.TRACEPARENT);
        if (traceparent.equals(given)) {
            return headers;
        }
        Headers without = given == null
                ? headers
                : headers.without(TraceContext.TRACEPARENT).without(TraceContext.TRACESTATE);
        return without.with(TraceContext.TRACEPARENT, traceparent);
    }

    private static void write(HttpServletResponse resp, Response answer, String plugin, String requestId)
            throws IOException {
        head(resp, answer, plugin, requestId);
        Body body = answer.body();
        resp.setContentLength(body.length());
        if (!body.isEmpty()) {
            body.writeTo(resp.getOutputStream());
        }
    }

    /** The status and headers: the plugin's, less framing, and the router's own. */
    private static void head(HttpServletResponse resp, Response answer, String plugin, String requestId) {
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
    }

    private static Headers headersOf(HttpServletRequest req) {
        Headers.Builder headers = Headers.builder();
        for (Enumeration<String> names = req.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            for (Enumeration<String> values = req.getHeaders(name); values.hasMoreElements(); ) {
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
        return name.equalsIgnoreCase("content-length")
                || name.equalsIgnoreCase("transfer-encoding")
                || name.equalsIgnoreCase("connection");
    }
}
