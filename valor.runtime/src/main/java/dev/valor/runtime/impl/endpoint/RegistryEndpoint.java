package dev.valor.runtime.impl.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginRoute;
import dev.valor.api.plugin.PluginInfo;
import dev.valor.api.plugin.PluginRegistry;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code /_plugins}: the registry as JSON. Off unless the runtime was started with the registry
 * enabled ({@code -w}); {@code GET /_plugins} lists, {@code GET /_plugins/NAME} shows one.
 */
@Component(enabled = false)
@VluginRoute(name = "_plugins")
public class RegistryEndpoint implements Vlugin {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Reference
    private PluginRegistry registry;

    @Override
    public CompletionStage<Response> handle(Request request) {
        return CompletableFuture.completedStage(answer(request));
    }

    private Response answer(Request request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Response.json(405, error("method not allowed", request)).withHeader("allow", "GET, HEAD");
        }
        String path = request.path();
        if (path.equals("/")) {
            ObjectNode root = JSON.createObjectNode();
            ArrayNode list = root.putArray("plugins");
            for (PluginInfo info : registry.plugins()) {
                list.add(toJson(info));
            }
            return Response.json(bytes(root));
        }
        String name = path.substring(1);
        Optional<PluginInfo> info = registry.plugin(name);
        return info.map(i -> Response.json(bytes(toJson(i))))
                .orElseGet(() -> Response.json(404, error("no plugin named " + name, request)));
    }

    private static ObjectNode toJson(PluginInfo info) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", info.name());
        node.put("prefix", info.prefix());
        node.put("type", info.type().id());
        node.put("source", info.source());
        node.put("version", info.version());
        node.put("state", info.state().name().toLowerCase(java.util.Locale.ROOT));
        if (!info.reason().isEmpty()) {
            node.put("reason", info.reason());
        }
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
