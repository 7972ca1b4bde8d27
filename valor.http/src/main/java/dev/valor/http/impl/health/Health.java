package dev.valor.http.impl.health;

import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginRoute;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Component;

/** The built-in plugin at {@code /_health}: 200 while the router serves. */
@Component
@VluginRoute(name = "_health")
public class Health implements Vlugin {

    private static final Response UP = Response.json("{\"status\":\"UP\"}");

    @Override
    public CompletionStage<Response> handle(Request request) {
        return CompletableFuture.completedStage(UP);
    }
}
