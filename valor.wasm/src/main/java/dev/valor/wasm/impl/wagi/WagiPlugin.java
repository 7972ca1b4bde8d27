package dev.valor.wasm.impl.wagi;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.metrics.InstancePool;
import dev.valor.api.plugin.PluginException;
import dev.valor.sandbox.internal.Conduct;
import dev.valor.sandbox.internal.Deadlines;
import dev.valor.sandbox.internal.log.PluginLog;
import dev.valor.wasm.impl.WasmSettings;
import dev.valor.wasm.impl.abi.ModuleCheck;
import dev.valor.wasm.impl.abi.WasmRuntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WAGI module: CGI over WASI preview1, as Spin's WAGI executor and the WAGI project run them.
 * Each request runs the entrypoint in a fresh instance (made from the module compiled once) with
 * WAGI's environment and arguments, the body on stdin, and a CGI response read from stdout.
 * A module exporting {@code _routes} declares sub-routes, each mapped to its own entrypoint.
 */
public final class WagiPlugin implements Vlugin {

    private static final int MAX_OUTPUT = 64 * 1024 * 1024;

    private final String name;
    private final PluginLog log;
    private final HostFunction[] granted;
    private final String prefix;
    private final WasmRuntime runtime;
    private final WasmSettings settings;
    private final Deadlines deadlines;
    private final Semaphore running;
    private final Conduct conduct = new Conduct();
    private final Deadlines.Bounds bounds;
    /** Sub-route → entrypoint, longest first; empty without {@code _routes}. */
    private final Map<String, String> routes;

    /**
     * @param log     the plugin's log
     * @param granted host functions its capabilities grant (the key-value ones), given to every instance
     */
    public WagiPlugin(
            String name,
            String prefix,
            WasmRuntime runtime,
            WasmSettings settings,
            Deadlines deadlines,
            PluginLog log,
            HostFunction[] granted)
            throws PluginException {
        this.name = name;
        this.log = log;
        this.granted = granted;
        this.prefix = prefix;
        this.runtime = runtime;
        this.settings = settings;
        this.deadlines = deadlines;
        this.running = new Semaphore(settings.instances(), true);
        this.bounds = new Deadlines.Bounds("plugin " + name, settings.timeoutMs(), 0, conduct);
        this.routes =
                ModuleCheck.exports(runtime.module()).contains(ModuleCheck.ROUTES) ? routesWithin(deadlines) : Map.of();
    }

    private Map<String, String> routesWithin(Deadlines deadlines) throws PluginException {
        try {
            return deadlines.await(this::readRoutes, settings.timeoutMs());
        } catch (TimeoutException e) {
            throw new PluginException(
                    ModuleCheck.ROUTES + " did not finish within its " + settings.timeoutMs() + " ms deadline");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PluginException p) {
                throw p;
            }
            throw new PluginException(ModuleCheck.ROUTES + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("interrupted while " + ModuleCheck.ROUTES + " ran");
        }
    }

    /** Its live instances, each one a request's: for the metrics, as a pool. */
    public InstancePool instances() {
        return new InstancePool() {
            @Override
            public int instances() {
                return busy();
            }

            @Override
            public int busy() {
                return settings.instances() - running.availablePermits();
            }
        };
    }

    @Override
    public CompletionStage<Response> handle(Request request) {
        try {
            return deadlines.submit(
                    call -> {
                        // Each request is a fresh instance with its own memory: bound how many live at once.
                        if (!running.tryAcquire(settings.timeoutMs(), TimeUnit.MILLISECONDS)) {
                            return Response.text(503, "busy: all " + settings.instances() + " instances stayed in use");
                        }
                        try {
                            return run(request);
                        } finally {
                            running.release();
                        }
                    },
                    bounds);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Response.text(503, deadlines.busy()));
        }
    }

    private Response run(Request request) {
        String entrypoint = settings.entrypoint();
        String matched = "/" + prefix;
        for (Map.Entry<String, String> route : routes.entrySet()) {
            if (matches(route.getKey(), request.path())) {
                entrypoint = route.getValue();
                matched = "/" + prefix + route.getKey();
                break;
            }
        }
        ByteArrayOutputStream out = new BoundedOutput(MAX_OUTPUT);
        PluginLog.Lines err = log.lines("stderr");
        WasiOptions.Builder wasi = WasiOptions.builder()
                .withStdin(new ByteArrayInputStream(request.body().bytes()))
                .withStdout(out)
                .withStderr(err)
                .withArguments(arguments(request, matched));
        environment(request, matched).forEach(wasi::withEnvironment);
        settings.files().forEach(wasi::withDirectory); // read-only: see WasmRuntime
        Instance instance =
                runtime.instantiate(wasi.build(), ImportValues.builder().addFunction(granted));
        try {
            instance.export(entrypoint).apply();
        } catch (WasiExitException e) {
            if (e.exitCode() != 0 && out.size() == 0) {
                throw new IllegalStateException("the module exited with " + e.exitCode() + " and printed nothing");
            }
        } finally {
            err.flush();
        }
        return CgiResponse.parse(out.toByteArray());
    }

    /** WAGI's arguments: the script path, then each {@code key=value} of the query. */
    private static List<String> arguments(Request request, String matched) {
        List<String> args = new ArrayList<>();
        args.add(matched);
        if (!request.rawQuery().isEmpty()) {
            for (String pair : request.rawQuery().split("&")) {
                if (!pair.isEmpty()) {
                    args.add(decode(pair));
                }
            }
        }
        return args;
    }

    /** WAGI's documented environment (CGI/1.1 plus its X_ variables), then what the definition grants. */
    private Map<String, String> environment(Request request, String matched) {
        Map<String, String> env = new LinkedHashMap<>();
        Headers headers = request.headers();
        String host = headers.first("host") == null ? "localhost" : headers.first("host");
        String serverName = host;
        String serverPort = "80";
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            serverName = host.substring(0, colon);
            serverPort = host.substring(colon + 1);
        }
        String fullPath = "/" + prefix + (request.rawPath().equals("/") ? "" : request.rawPath());
        env.put("REQUEST_METHOD", request.method());
        env.put("PATH_INFO", request.path().equals("/") ? "" : request.path());
        env.put("PATH_TRANSLATED", request.path().equals("/") ? "" : request.path());
        env.put("QUERY_STRING", request.rawQuery());
        env.put("CONTENT_TYPE", headers.first("content-type") == null ? "" : headers.first("content-type"));
        env.put("CONTENT_LENGTH", Integer.toString(request.body().length()));
        env.put("SCRIPT_NAME", matched);
        env.put("SERVER_NAME", serverName);
        env.put("SERVER_PORT", serverPort);
        env.put("SERVER_PROTOCOL", "HTTP/1.1");
        env.put("SERVER_SOFTWARE", "Valor");
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("REMOTE_ADDR", request.remoteAddress());
        env.put("REMOTE_HOST", request.remoteAddress());
        env.put("AUTH_TYPE", "");
        env.put("REMOTE_USER", "");
        env.put("X_MATCHED_ROUTE", matched);
        env.put(
                "X_FULL_URL",
                "http://" + host + fullPath + (request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery()));
        env.put("X_RAW_PATH_INFO", request.rawPath().equals("/") ? "" : request.rawPath());
        for (int i = 0; i < headers.size(); i++) {
            String key = "HTTP_" + headers.name(i).toUpperCase(Locale.ROOT).replace('-', '_');
            env.merge(key, headers.value(i), (a, b) -> a + ", " + b);
        }
        env.putAll(settings.env());
        return env;
    }

    /** Runs {@code _routes} once: each printed line is "sub-route entrypoint" ("/x/..." matches below /x). */
    private Map<String, String> readRoutes() throws PluginException {
        ByteArrayOutputStream out = new BoundedOutput(1024 * 1024);
        WasiOptions options = WasiOptions.builder()
                .withStdout(out)
                .withStderr(log.lines("stderr"))
                .withArguments(List.of("/" + prefix))
                .build();
        try {
            Instance instance =
                    runtime.instantiate(options, ImportValues.builder().addFunction(granted));
            instance.export(ModuleCheck.ROUTES).apply();
        } catch (WasiExitException e) {
            if (e.exitCode() != 0) {
                throw new PluginException(ModuleCheck.ROUTES + " exited with " + e.exitCode());
            }
        } catch (RuntimeException e) {
            throw new PluginException(ModuleCheck.ROUTES + " failed: " + e);
        }
        List<String[]> pairs = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\r?\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 2) {
                pairs.add(parts);
            } else if (!line.isBlank()) {
                throw new PluginException(ModuleCheck.ROUTES + " printed '" + line + "', not 'route entrypoint'");
            }
        }
        pairs.sort((a, b) -> Integer.compare(b[0].length(), a[0].length()));
        Map<String, String> routes = new LinkedHashMap<>();
        for (String[] p : pairs) {
            if (!ModuleCheck.exports(runtime.module()).contains(p[1])) {
                throw new PluginException(
                        "route " + p[0] + " names the entrypoint " + p[1] + ", which the module does not export");
            }
            routes.put(p[0], p[1]);
        }
        return routes;
    }

    /** "/x" matches /x only; "/x/..." matches /x and everything below it. */
    private static boolean matches(String route, String path) {
        if (route.endsWith("/...")) {
            String base = route.substring(0, route.length() - 4);
            return path.equals(base) || path.startsWith(base + "/") || base.isEmpty();
        }
        return path.equals(route);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** Stdout with a ceiling: a module printing without end fails instead of filling the heap. */
    private static final class BoundedOutput extends ByteArrayOutputStream {
        private final int max;

        BoundedOutput(int max) {
            this.max = max;
        }

        @Override
        public synchronized void write(int b) {
            check(1);
            super.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            check(len);
            super.write(b, off, len);
        }

        private void check(int more) {
            if (size() + more > max) {
                throw new IllegalStateException("the module printed more than " + max + " bytes");
            }
        }
    }
}
