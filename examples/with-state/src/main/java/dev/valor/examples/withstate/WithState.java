package dev.valor.examples.withstate;

import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.kv.KeyValueStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/**
 * A vlugin that gets its configuration when it is created and keeps state in the key-value store
 * {@code default}, so the count is exact across instances, swaps and restarts, and shared with the
 * C and JavaScript examples configured with the same name. One instance per
 * plugin definition: {@code hello_alice} with config {@code "Alice"} answers
 * {@code GET /hello_alice?who=Bob} with {@code Alice says hello Bob!}.
 */
@Component(configurationPid = "dev.valor.examples.withstate", configurationPolicy = ConfigurationPolicy.REQUIRE)
public class WithState implements Vlugin {

    /** The definition's config, delivered by the runtime as the {@code valor.config} property. */
    @interface Config {
        String valor_config() default "";
    }

    private final String name;
    private final String key;
    private final KeyValueStore store;

    @Activate
    public WithState(Config config, @Reference(target = "(valor.kv.store=default)") KeyValueStore store) {
        this.name = config.valor_config();
        this.key = "greetings:" + name; // as the C and JavaScript examples count: all of Alice's greetings
        this.store = store;
    }

    @Override
    public CompletionStage<Response> handle(Request request) {
        String who = request.queryParameter("who");
        if (who == null || who.isBlank()) {
            return CompletableFuture.completedStage(Response.text(400, "Missing buddy to greet"));
        }
        return store.increment(key, 1)
                .thenApply(count -> Response.text(name + " says hello " + who + "!")
                        .withHeader("x-greetings", Long.toString(count)));
    }
}
