package dev.valor.http.impl.health;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginRoute;
import dev.valor.api.plugin.Lifecycle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The built-in plugin at {@code /_health}: {@code /_health/live} (and {@code /_health}, as it
 * always was) is 200 while the router serves; {@code /_health/ready} is 200 only while the
 * runtime's start-up marker ({@link Lifecycle}) is registered, that is once the start-up deploys are
 * done, and until the launcher says the runtime is stopping; 503 with the reason otherwise. A load balancer's or
 * Kubernetes' readiness probe asks the second.
 */
@Component
@VluginRoute(name = "_health")
public class Health implements Vlugin {

    private static final Response UP = Response.json("{\"status\":\"UP\"}");
    private static final Response NOT_READY = Response.json(
            503, "{\"status\":\"DOWN\",\"reason\":\"the start-up deploys are not done\"}".getBytes(UTF_8));

    private static final Response STOPPING =
            Response.json(503, "{\"status\":\"DOWN\",\"reason\":\"the runtime is stopping\"}".getBytes(UTF_8));

    @Reference(
            service = Object.class,
            target = Lifecycle.STARTED,
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    private volatile Object startup;

    @Reference(
            service = Object.class,
            target = Lifecycle.STOPPING,
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    private volatile Object stopping;

    @Override
    public CompletionStage<Response> handle(Request request) {
        switch (request.path()) {
            case "":
            case "/":
            case "/live":
                return CompletableFuture.completedStage(UP);
            case "/ready":
                return CompletableFuture.completedStage(stopping != null ? STOPPING : startup != null ? UP : NOT_READY);
            default:
                return CompletableFuture.completedStage(Response.json(
                        404, "{\"error\":\"no such check: /_health/live and /_health/ready are\"}".getBytes(UTF_8)));
        }
    }
}
