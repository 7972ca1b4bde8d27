package dev.valor.http.impl.dispatch;

import dev.valor.api.Body;
import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginProperties;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.http.impl.route.Route;
import dev.valor.http.impl.route.RouteTable;
import dev.valor.http.impl.route.Routes;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one servlet of Valor: finds the Vlugin whose prefix claims the path, hands it the request
 * and writes its answer, under the body and time limits, with the correlation and plugin headers.
 */
@Component(service = Servlet.class, configurationPid = RouterConfig.PID)
@Designate(ocd = RouterConfig.class)
@HttpWhiteboardServletName("valor")
@HttpWhiteboardServletPattern("/*")
@HttpWhiteboardServletAsyncSupported
public class Dispatcher extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("valor.access");
    private static final byte[] NO_BODY = new byte[0];
    private static final String HEALTH = "_health";

    private final transient Routes routes = new Routes();
    private transient volatile RouterConfig config;
    private transient ScheduledThreadPoolExecutor timer;

    @Activate
    void activate(RouterConfig config) {
        this.config = config;
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "valor-timeouts");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    @Modified
    void modified(RouterConfig config) {
        this.config = config;
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindVlugin(Vlugin vlugin, Map<String, Object> props) {
        Route route = toRoute(vlugin, props);
        if (route != null) {
            routes.put(route);
        }
    }

    void updatedVlugin(Vlugin vlugin, Map<String, Object> props) {
        Route route = toRoute(vlugin, props);
        if (route != null) {
            routes.put(route);
        } else {
            routes.remove(serviceId(props));
        }
    }

    void unbindVlugin(Vlugin vlugin, Map<String, Object> props) {
        routes.remove(serviceId(props));
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long start = System.nanoTime();
        String requestId = RequestIds.from(req.getHeader("x-request-id"));
        String method = req.getMethod();
        // Route on the decoded, normalized path Jetty resolved; log and report the URI as sent.
        String uriPath = req.getRequestURI();
        String path = req.getPathInfo();
        RouterConfig cfg = config;

        RouteTable.Match match = path == null ? null : routes.table().match(path);
        if (match == null) {
            answerError(resp, null, 404, "no plugin serves " + uriPath, requestId);
            logAccess("-", 404, method, uriPath, requestId, start);
            return;
        }
        Route route = match.route();

        long max = cfg.max_body_bytes();
        long declared = req.getContentLengthLong();
        if (declared > max) {
            answerTooLarge(resp, route, max, method, uriPath, requestId, start);
            return;
        }
        byte[] body;
        if (declared == 0) {
            body = NO_BODY;
        } else {
            ServletInputStream in = req.getInputStream();
            body = declared > 0 ? in.readNBytes((int) declared)
                    : in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 16));
            if (body.length > max) {
                answerTooLarge(resp, route, max, method, uriPath, requestId, start);
                return;
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
                    .build();
        } catch (IllegalArgumentException e) {
            answerError(resp, route.name(), 400, "malformed request: " + e.getMessage(), requestId);
            logAccess(route.name(), 400, method, uriPath, requestId, start);
            return;
        }

        long timeoutMs = route.timeoutMs() > 0 ? route.timeoutMs() : cfg.timeout_ms();
        AsyncContext async = req.startAsync();
        async.setTimeout(0); // our own timer answers 504, so a plugin blocking this thread is cut off too
        Exchange exchange = new Exchange(this, async, resp, route, method, uriPath, requestId, start, timeoutMs);
        async.addListener(exchange);
        exchange.timer(timer.schedule(exchange::timeout, timeoutMs, TimeUnit.MILLISECONDS));
        try {
            CompletionStage<Response> stage = route.vlugin().handle(request);
            if (stage == null) {
                exchange.complete(null, null);
            } else {
                stage.whenComplete(exchange::complete);
            }
        } catch (RuntimeException | LinkageError e) {
            exchange.complete(null, e);
        }
    }

    void writeResponse(HttpServletResponse resp, Response answer, String plugin, String requestId)
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
            ServletOutputStream out = resp.getOutputStream();
            body.writeTo(out);
        }
    }

    void logAccess(String plugin, int status, String method, String path, String requestId, long startNanos) {
        if (!config.access_log() || HEALTH.equals(plugin) || !ACCESS.isInfoEnabled()) {
            return;
        }
        long micros = (System.nanoTime() - startNanos) / 1_000;
        ACCESS.info("plugin={} status={} method={} path={} id={} ms={}.{}{}", plugin, status, method, path,
                requestId, micros / 1000, (micros % 1000) / 100, (micros % 100) / 10);
    }

    private void answerTooLarge(HttpServletResponse resp, Route route, long max, String method, String path,
            String requestId, long start) throws IOException {
        resp.setHeader("connection", "close"); // the unread body is not worth draining
        answerError(resp, route.name(), 413, "request body exceeds " + max + " bytes", requestId);
        logAccess(route.name(), 413, method, path, requestId, start);
    }

    private void answerError(HttpServletResponse resp, String plugin, int status, String error, String requestId)
            throws IOException {
        writeResponse(resp, Response.json(status, ErrorBody.of(error, requestId)), plugin, requestId);
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

    private static boolean isFramingHeader(String name) {
        return name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")
                || name.equalsIgnoreCase("connection");
    }

    private static long serviceId(Map<String, Object> props) {
        return ((Number) props.get(Constants.SERVICE_ID)).longValue();
    }

    private static Route toRoute(Vlugin vlugin, Map<String, Object> props) {
        Object name = props.get(VluginProperties.NAME);
        if (!(name instanceof String) || ((String) name).isBlank()) {
            LOG.warn("Ignoring a Vlugin service without a {} property: {}", VluginProperties.NAME, props);
            return null;
        }
        Object prefixProp = props.get(VluginProperties.PREFIX);
        String prefix = prefixProp == null || String.valueOf(prefixProp).isBlank()
                ? (String) name : String.valueOf(prefixProp);
        try {
            prefix = PluginDefinition.normalizePrefix(prefix);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring Vlugin {}: {}", name, e.getMessage());
            return null;
        }
        Object ranking = props.get(Constants.SERVICE_RANKING);
        Object timeout = props.get(VluginProperties.TIMEOUT_MS);
        return new Route((String) name, prefix, vlugin,
                timeout instanceof Number ? ((Number) timeout).longValue() : parseLong(timeout),
                ranking instanceof Integer ? (Integer) ranking : 0, serviceId(props));
    }

    private static long parseLong(Object value) {
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(String.valueOf(value).strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
