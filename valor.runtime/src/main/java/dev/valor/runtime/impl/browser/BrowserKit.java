package dev.valor.runtime.impl.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginRoute;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginInfo;
import dev.valor.api.plugin.PluginRegistry;
import dev.valor.api.plugin.PluginState;
import dev.valor.api.plugin.PluginType;
import dev.valor.runtime.impl.deploy.Deployer;
import dev.valor.runtime.impl.deploy.Managed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code /_valor/}: the browser kit. A page loads {@code kit.js}, which registers the service
 * worker; the worker reads {@code manifest.json} (the serving plugins whose definition says
 * {@code "browser": true}) and answers their prefixes in the page from the very files the server
 * runs, fetched by content hash so a hot swap is a new URL. Java bundles never run there.
 */
@Component
@VluginRoute(name = "_valor")
public class BrowserKit implements Vlugin {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DEFAULT_TIMEOUT_MS = 10_000;
    /** The kit's own scripts: name → content type. */
    private static final Map<String, String> SCRIPTS = Map.of(
            "kit.js",
            "text/javascript",
            "sw.js",
            "text/javascript",
            "js-worker.js",
            "text/javascript",
            "js-module.js",
            "text/javascript",
            "kv.js",
            "text/javascript",
            "wasm-worker.js",
            "text/javascript");

    @Reference
    private Deployer deployer;

    @Reference
    private PluginRegistry registry;

    private BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
    }

    @Override
    public CompletionStage<Response> handle(Request request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return done(Response.text(405, "the browser kit is read-only").withHeader("allow", "GET, HEAD"));
        }
        String path = request.path();
        try {
            if (path.equals("/manifest.json")) {
                return done(Response.of(
                        200,
                        dev.valor.api.Headers.builder()
                                .add("content-type", "application/json")
                                .add("cache-control", "no-cache")
                                .build(),
                        JSON.writeValueAsBytes(manifest())));
            }
            if (path.startsWith("/plugins/")) {
                return done(artifact(path.substring("/plugins/".length())));
            }
            String script = path.substring(1);
            if (SCRIPTS.containsKey(script)) {
                try (InputStream in = BrowserKit.class.getResourceAsStream(script)) {
                    Response r = Response.of(
                            200,
                            dev.valor.api.Headers.builder()
                                    .add("content-type", SCRIPTS.get(script))
                                    .add("cache-control", "no-cache")
                                    .build(),
                            in.readAllBytes());
                    // The worker lives under /_valor/ but answers for the whole origin.
                    return done(script.equals("sw.js") ? r.withHeader("service-worker-allowed", "/") : r);
                }
            }
        } catch (IOException e) {
            return done(Response.text(500, "the browser kit could not read " + path + ": " + e.getMessage()));
        }
        return done(Response.text(404, "the browser kit has no " + path));
    }

    /** The plugins a page may run: serving, opted in, of a kind a browser runs. */
    ObjectNode manifest() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode plugins = root.putArray("plugins");
        List<Managed> all = deployer.managed();
        for (Managed m : all) {
            entry(m).ifPresent(plugins::add);
        }
        // Every prefix the router serves (nothing else of what serves it): a longer one the server
        // keeps below an offered one wins there, so it must here too, and a path under none of
        // them is the 404 the server would give, which the page can answer offline.
        ArrayNode routes = root.putArray("routes");
        registry.plugins().stream()
                .filter(i -> i.state() == PluginState.ACTIVE)
                .map(PluginInfo::prefix)
                .distinct()
                .sorted()
                .forEach(routes::add);
        return root;
    }

    private Optional<ObjectNode> entry(Managed m) throws IOException {
        PluginDefinition d = m.definition();
        if (!m.serving() || m.content() == null || (d.type() != PluginType.JS && d.type() != PluginType.WASM)) {
            return Optional.empty();
        }
        JsonNode settings = JSON.readTree(d.settingsJson());
        // A folder granted on the server does not exist in a page, nor does the linker that joins
        // plugs and sockets: such a plugin stays on the server.
        if (!settings.path("browser").asBoolean(false)
                || !settings.path("capabilities").path("files").isEmpty()
                || settings.has("plugs")
                || settings.has("sockets")) {
            return Optional.empty();
        }
        String file = m.content().getFileName().toString();
        ObjectNode e = JSON.createObjectNode();
        e.put("name", d.name());
        e.put("prefix", d.prefix());
        e.put("type", d.type().name().toLowerCase(Locale.ROOT));
        e.put("url", "/_valor/plugins/" + d.name() + "/" + file);
        e.put("version", "sha256:" + m.sha256());
        e.put("timeout_ms", settings.path("limits").path("timeout_ms").asLong(DEFAULT_TIMEOUT_MS));
        e.set("config", d.configJson() == null ? null : JSON.readTree(d.configJson()));
        // The handler that runs it has decided its style or ABI already, and says so on its service.
        if (d.type() == PluginType.JS) {
            e.put("style", String.valueOf(serviceProperty(m.serviceId(), "valor.js.style")));
        } else {
            e.put("abi", String.valueOf(serviceProperty(m.serviceId(), "valor.wasm.abi")));
            e.put("entrypoint", settings.path("entrypoint").asText("_start"));
            ObjectNode env = e.putObject("env");
            settings.path("capabilities")
                    .path("env")
                    .fields()
                    .forEachRemaining(v -> env.put(
                            v.getKey(),
                            v.getValue().isTextual()
                                    ? v.getValue().asText()
                                    : v.getValue().toString()));
        }
        // The stores it is granted: in the page, the visitor's own (kv.js), named as on the server.
        ArrayNode kv = e.putArray("kv");
        settings.path("capabilities").path("kv").forEach(kv::add);
        return Optional.of(e);
    }

    private Object serviceProperty(long serviceId, String key) {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(service.id=" + serviceId + ")");
            return refs == null ? null : refs[0].getProperty(key);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code NAME/SHA.ext}: the serving version's bytes; immutable, since the name holds the hash. */
    private Response artifact(String rest) throws IOException {
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return Response.text(404, "no such plugin file");
        }
        Optional<Managed> m = deployer.managed(rest.substring(0, slash));
        String file = rest.substring(slash + 1);
        if (m.isEmpty()
                || entry(m.get()).isEmpty()
                || !m.get().content().getFileName().toString().equals(file)) {
            return Response.text(404, "no browser plugin serves " + rest);
        }
        String type = file.endsWith(".wasm") ? "application/wasm" : "text/javascript";
        return Response.of(
                200,
                dev.valor.api.Headers.builder()
                        .add("content-type", type)
                        .add("cache-control", "public, max-age=31536000, immutable")
                        .build(),
                Files.readAllBytes(m.get().content()));
    }

    private static CompletionStage<Response> done(Response r) {
        return CompletableFuture.completedStage(r);
    }
}
