package dev.valor.examples.hello;

import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginRoute;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Component;

/** The smallest vlugin: one method, one answer. */
@Component
@VluginRoute(name = "hello")
public class Hello implements Vlugin {

    @Override
    public CompletionStage<Response> handle(Request request) {
        return CompletableFuture.completedStage(Response.text("OK response from a plugin"));
    }
}
