package dev.valor.examples.audit;

import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginRoute;
import dev.valor.api.binding.Plug;
import dev.valor.api.binding.PlugBinding;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;

/**
 * An audit@1 provider in Java: one DS component that is both the plugin's route (how many events it
 * has counted) and its plug (record counts an event). The runtime's configuration of the component
 * gives both services the plugin's name and, in a swap, the new version's ranking.
 */
@Component(service = {Vlugin.class, Plug.class})
@VluginRoute(name = "audit_java")
@PlugBinding(binding = "audit@1", name = "audit_java")
public class Audit implements Vlugin, Plug {

    private final AtomicLong events = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    @Override
    public CompletionStage<byte[]> call(String function, byte[] input) {
        if (!function.equals("record")) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("audit@1 has no function " + function));
        }
        long n = events.incrementAndGet();
        long total = bytes.addAndGet(input.length);
        return CompletableFuture.completedFuture(
                ("counted " + n + " events, " + total + " bytes").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public CompletionStage<Response> handle(Request request) {
        return CompletableFuture.completedStage(
                Response.text("audit@1 provider (java): " + events.get() + " events counted"));
    }
}
