package dev.valor.examples.withstate;

import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * A vlugin that gets its configuration when it is created and keeps state across requests.
 * One instance per plugin definition: {@code hello_alice} with config {@code "Alice"} answers
 * {@code GET /hello_alice?who=Bob} with {@code Alice says hello Bob!}.
 */
@Component(configurationPid = "dev.valor.examples.withstate", configurationPolicy = ConfigurationPolicy.REQUIRE)
public class WithState implements Vlugin {

    /** The definition's config, delivered by the runtime as the {@code valor.config} property. */
    @interface Config {
        String valor_config() default "";
    }

    private final String name;
    private final AtomicLong greeted = new AtomicLong();

    @Activate
    public WithState(Config config) {
        this.name = config.valor_config();
    }

    @Override
    public CompletionStage<Response> handle(Request request) {
        String who = request.queryParameter("who");
        if (who == null || who.isBlank()) {
            return CompletableFuture.completedStage(Response.text(400, "Missing buddy to greet"));
        }
        long count = greeted.incrementAndGet();
        return CompletableFuture.completedStage(
                Response.text(name + " says hello " + who + "!").withHeader("x-greetings", Long.toString(count)));
    }
}
