package dev.valor.runtime.impl.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginRoute;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.api.plugin.PluginInfo;
import dev.valor.api.plugin.PluginRegistry;
import dev.valor.runtime.impl.definition.DefinitionFile;
import dev.valor.runtime.impl.deploy.PluginConflict;
import dev.valor.runtime.impl.fleet.FleetUnavailable;
import dev.valor.runtime.impl.manage.PluginManager;
import dev.valor.runtime.impl.state.Sha;
import dev.valor.runtime.impl.state.StateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /_plugins}: the registry over HTTP, as in the original runtime. Off unless the runtime
 * starts with {@code -w}; every call needs {@code Authorization: Bearer TOKEN} ({@value #TOKEN}).
 * {@code GET} lists or shows one plugin, {@code POST} registers a definition, {@code DELETE /NAME}
 * unloads. A registration or unload takes as long as its deploy (up to seconds): it runs on a
 * thread of its own and is answered when it completes, holding no server thread meanwhile.
 */
@Component(enabled = false)
@VluginRoute(name = "_plugins")
public class RegistryEndpoint implements Vlugin {

    /** Framework property: the bearer token. Without one, a token is made and logged once. */
    public static final String TOKEN = "valor.registry.token";

    private static final Logger LOG = LoggerFactory.getLogger(RegistryEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Reference
    private PluginRegistry registry;

    @Reference
    private PluginManager manager;

    /** At most this many registrations and unloads at once; more wait in a short queue. */
    private static final int CHANGES_AT_ONCE = 4;

    private byte[] token;
    private ThreadPoolExecutor changes;
    /** Where uploaded artifacts are kept (a node's registrations name them across restarts). */
    private Path uploads;

    @Activate
    void activate(BundleContext context) {
        String configured = context.getProperty(TOKEN);
        if (configured == null || configured.isBlank()) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            configured = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            LOG.warn("No registry token configured; this run's token is {}", configured);
        }
        token = ("Bearer " + configured.strip()).getBytes(StandardCharsets.UTF_8);
        uploads = StateFiles.folder(context).resolve("uploads");
        changes = new ThreadPoolExecutor(
                CHANGES_AT_ONCE, CHANGES_AT_ONCE, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), r -> {
                    Thread t = new Thread(r, "valor-registry");
                    t.setDaemon(true);
                    return t;
                });
        changes.allowCoreThreadTimeOut(true);
    }

    @Deactivate
    void deactivate() {
        changes.shutdownNow();
    }

    @Override
    public CompletionStage<Response> handle(Request request) {
        if (!authorized(request)) {
            return CompletableFuture.completedStage(
                    Response.json(401, error("a valid bearer token is required", request))
                            .withHeader("www-authenticate", "Bearer realm=\"valor\""));
        }
        if (request.method().equals("POST")
                || request.method().equals("PUT")
                || request.method().equals("DELETE")) {
            CompletableFuture<Response> answered = new CompletableFuture<>();
            try {
                changes.execute(() -> {
                    try {
                        answered.complete(answer(request));
                    } catch (InterruptedException e) {
                        answered.complete(Response.json(503, error("interrupted", request)));
                    } catch (RuntimeException e) {
                        answered.completeExceptionally(e);
                    }
                });
            } catch (RejectedExecutionException e) {
                return CompletableFuture.completedStage(
                        Response.json(503, error("too many registrations at once; try again", request))
                                .withHeader("retry-after", "1"));
            }
            return answered;
        }
        try {
            return CompletableFuture.completedStage(answer(request));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.completedStage(Response.json(503, error("interrupted", request)));
        }
    }

    private boolean authorized(Request request) {
        String given = request.header("authorization");
        return given != null && MessageDigest.isEqual(token, given.strip().getBytes(StandardCharsets.UTF_8));
    }

    private Response answer(Request request) throws InterruptedException {
        String path = request.path();
        String name = path.equals("/") ? null : path.substring(1);
        switch (request.method()) {
            case "GET":
            case "HEAD":
                return name == null ? list() : show(name, request);
            case "POST":
                return name == null
                        ? register(request)
                        : Response.json(405, error("POST to /_plugins; PUT /_plugins/NAME replaces", request))
                                .withHeader("allow", "GET, HEAD, PUT, DELETE");
            case "PUT":
                return name == null
                        ? Response.json(405, error("PUT /_plugins/NAME", request))
                                .withHeader("allow", "GET, HEAD, POST")
                        : replace(name, request);
            case "DELETE":
                return name == null
                        ? Response.json(405, error("DELETE /_plugins/NAME", request))
                                .withHeader("allow", "GET, HEAD, POST")
                        : unload(name, request);
            default:
                return Response.json(405, error("method not allowed", request))
                        .withHeader("allow", name == null ? "GET, HEAD, POST" : "GET, HEAD, PUT, DELETE");
        }
    }

    private Response list() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("plugins");
        for (PluginInfo info : registry.plugins()) {
            list.add(toJson(info));
        }
        return Response.json(bytes(root));
    }

    private Response show(String name, Request request) {
        Optional<PluginInfo> info = registry.plugin(name);
        return info.map(i -> Response.json(bytes(toJson(i))))
                .orElseGet(() -> Response.json(404, error("no plugin named " + name, request)));
    }

    private Response register(Request request) throws InterruptedException {
        Submitted submitted;
        try {
            submitted = submitted(request, null);
        } catch (PluginException e) {
            return Response.json(400, error(e.getMessage(), request));
        }
        PluginDefinition def = submitted.definition();
        Response badPath = pathRefused(def, request);
        if (badPath != null) {
            submitted.done(false);
            return badPath;
        }
        boolean registered = false;
        try {
            manager.register(def, Paths.get("").toAbsolutePath());
            registered = true;
        } catch (FleetUnavailable e) {
            return unavailable(e, request);
        } catch (PluginConflict e) {
            return Response.json(409, error(e.getMessage(), request));
        } catch (PluginException e) {
            return Response.json(400, error(e.getMessage(), request));
        } finally {
            submitted.done(registered);
        }
        LOG.info("Plugin {} registered through /_plugins (request {})", def.name(), request.requestId());
        // A DELETE may have come between: the registration happened all the same, and is answered so.
        return registry.plugin(def.name())
                .map(info -> Response.json(201, bytes(toJson(info))))
                .orElseGet(() -> Response.json(
                        201,
                        bytes(JSON.createObjectNode().put("name", def.name()).put("state", "unloaded"))))
                .withHeader("location", "/_plugins/" + def.name());
    }

    /** Redis away: nothing was changed, and the client may try again. */
    private static Response unavailable(FleetUnavailable e, Request request) {
        return Response.json(503, error(e.getMessage(), request)).withHeader("retry-after", "1");
    }

    /** A definition sent, and the artifact uploaded beside it if it was (null if not). */
    private record Submitted(PluginDefinition definition, Upload upload) {
        void done(boolean registered) {
            if (upload != null) {
                upload.done(registered);
            }
        }
    }

    /**
     * An uploaded artifact. On a single node it is kept by its hash, for the registration that names
     * it, and removed only if it was new and the registration failed; in a fleet it is a private
     * temporary copy (the fleet keeps its own), removed either way.
     */
    private record Upload(Path file, boolean temporary, boolean fresh) {
        void done(boolean registered) {
            if (temporary || fresh && !registered) {
                try {
                    Files.deleteIfExists(file);
                    Files.deleteIfExists(file.getParent()); // only if empty
                } catch (IOException e) {
                    LOG.debug("Cannot clean the upload {}: {}", file, e.getMessage());
                }
            }
        }
    }

    /**
     * The definition in the body: JSON, or a {@code multipart/form-data} form with a
     * {@code definition} part and, instead of a path, an {@code artifact} part (the file itself).
     * A definition without a name takes the URL's, if given. Read as every definition is: a key
     * given twice is an error.
     */
    private Submitted submitted(Request request, String urlName) throws PluginException {
        String contentType = request.header("content-type");
        JsonNode node;
        Upload upload = null;
        try {
            if (Multipart.is(contentType)) {
                Map<String, Multipart.Part> parts =
                        Multipart.parse(contentType, request.body().bytes());
                for (String part : parts.keySet()) {
                    if (!part.equals("definition") && !part.equals("artifact")) {
                        throw new PluginException(
                                "a multipart registration has the parts 'definition' and 'artifact', not '" + part
                                        + "'");
                    }
                }
                Multipart.Part definition = parts.get("definition");
                if (definition == null) {
                    throw new PluginException("a multipart registration needs a 'definition' part");
                }
                node = DefinitionFile.JSON.readTree(new String(definition.content(), StandardCharsets.UTF_8));
                Multipart.Part artifact = parts.get("artifact");
                if (artifact != null) {
                    if (!(node instanceof ObjectNode)) {
                        throw new PluginException("the definition is not a JSON object");
                    }
                    if (node.has("path")) {
                        throw new PluginException("give the artifact or a path, not both");
                    }
                    upload = keep(artifact);
                    ((ObjectNode) node).put("path", upload.file().toString());
                }
            } else {
                String body = request.bodyText();
                node = DefinitionFile.JSON.readTree(body.isBlank() && urlName != null ? "{}" : body);
            }
        } catch (JsonProcessingException e) {
            throw new PluginException("the definition is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PluginException("cannot keep the upload: " + e.getMessage());
        }
        if (urlName != null && node instanceof ObjectNode object && !object.has("name")) {
            object.put("name", urlName); // a definition may leave its name to the URL
        }
        List<PluginDefinition> defs;
        try {
            defs = PluginManager.parse(node == null ? "" : node.toString(), "the definition");
            if (defs.size() != 1) {
                throw new PluginException("send one definition at a time");
            }
        } catch (PluginException e) {
            if (upload != null) {
                upload.done(false);
            }
            throw e;
        }
        return new Submitted(defs.get(0), upload);
    }

    /** Writes an uploaded artifact with the file name it came with (its extension tells its kind). */
    private Upload keep(Multipart.Part artifact) throws IOException, PluginException {
        String given = artifact.filename() == null ? "" : artifact.filename();
        String name = StateFiles.safeName(given);
        if (!name.toLowerCase(Locale.ROOT).matches("[^.].*\\.(jar|wasm|js|mjs)")) {
            throw new PluginException(
                    "the artifact part needs a file name ending .jar, .wasm, .js or .mjs, not '" + given + "'");
        }
        Files.createDirectories(uploads);
        if (manager.inFleet()) {
            Path file = Files.createTempDirectory(uploads, ".upload-").resolve(name);
            Files.write(file, artifact.content());
            return new Upload(file, true, true);
        }
        Path kept = uploads.resolve(Sha.sha256(artifact.content())).resolve(name);
        if (Files.isRegularFile(kept)) {
            return new Upload(kept, false, false); // the same bytes, uploaded before
        }
        // On disk before the registration naming it is acknowledged (registered.json is too).
        StateFiles.write(kept, ".upload-", ".part", artifact.content());
        return new Upload(kept, false, true);
    }

    /** A 400 for a path a registration over the network may not name; null when it may. */
    private static Response pathRefused(PluginDefinition def, Request request) {
        return isAbsoluteOrName(def.path())
                ? null
                : Response.json(
                        400,
                        error(
                                "path '" + def.path()
                                        + "' must be absolute or the name of a plugin in the plugins folder",
                                request));
    }

    /** What the docs allow a registration over the network: no way to walk from the server's folder. */
    static boolean isAbsoluteOrName(String path) {
        Path given;
        try {
            given = Paths.get(path);
        } catch (InvalidPathException e) {
            return false;
        }
        return given.isAbsolute()
                || given.getNameCount() == 1
                        && !path.equals("..")
                        && !path.equals(".")
                        && path.indexOf('/') < 0
                        && path.indexOf('\\') < 0;
    }

    /** PUT: the definition, its name the URL's (or left out), swapped in as the folder swaps. */
    private Response replace(String name, Request request) throws InterruptedException {
        Submitted submitted;
        try {
            submitted = submitted(request, name);
        } catch (PluginException e) {
            return Response.json(400, error(e.getMessage(), request));
        }
        PluginDefinition def = submitted.definition();
        if (!def.name().equals(name)) {
            submitted.done(false);
            return Response.json(
                    400, error("the definition names '" + def.name() + "', the URL '" + name + "'", request));
        }
        Response badPath = pathRefused(def, request);
        if (badPath != null) {
            submitted.done(false);
            return badPath;
        }
        boolean created;
        boolean replaced = false;
        try {
            created = manager.replace(def, Paths.get("").toAbsolutePath());
            replaced = true;
        } catch (FleetUnavailable e) {
            return unavailable(e, request);
        } catch (PluginConflict e) {
            return Response.json(409, error(e.getMessage(), request));
        } catch (PluginException e) {
            return Response.json(400, error(e.getMessage(), request)); // the serving version, if any, serves on
        } finally {
            submitted.done(replaced);
        }
        LOG.info(
                "Plugin {} {} through /_plugins (request {})",
                name,
                created ? "registered" : "replaced",
                request.requestId());
        return registry.plugin(name)
                .map(info -> Response.json(created ? 201 : 200, bytes(toJson(info))))
                .orElseGet(() -> Response.json(404, error("no plugin named " + name, request)))
                .withHeader("location", "/_plugins/" + name);
    }

    private Response unload(String name, Request request) {
        try {
            if (!manager.unload(name)) {
                return Response.json(404, error("no plugin named " + name, request));
            }
        } catch (FleetUnavailable e) {
            return unavailable(e, request);
        } catch (PluginConflict e) {
            return Response.json(409, error(e.getMessage(), request));
        } catch (PluginException e) {
            return Response.json(500, error(e.getMessage(), request));
        }
        LOG.info("Plugin {} unloaded through /_plugins (request {})", name, request.requestId());
        return Response.status(204);
    }

    private static ObjectNode toJson(PluginInfo info) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", info.name());
        node.put("prefix", info.prefix());
        node.put("type", info.type().id());
        node.put("source", info.source());
        node.put("version", info.version());
        node.put("state", info.state().name().toLowerCase(Locale.ROOT));
        if (!info.reason().isEmpty()) {
            node.put("reason", info.reason());
        }
        node.put("served", info.served());
        node.put("from", info.fleet() ? "fleet" : "node");
        return node;
    }

    private static byte[] error(String message, Request request) {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", message);
        node.put("requestId", request.requestId());
        return bytes(node);
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
