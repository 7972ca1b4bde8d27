package dev.valor.wasm.impl.reactor;

import dev.valor.api.binding.Plug;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A reactor module's functions for one binding it plugs into: exports {@code name@major.function}. */
public final class ReactorPlug implements Plug {

    private final String plugin;
    private final String binding;
    private final Map<String, String> exports;
    private final ReactorPlugin module;

    /** @param exports function name to export name */
    public ReactorPlug(String plugin, String binding, Map<String, String> exports, ReactorPlugin module) {
        this.plugin = plugin;
        this.binding = binding;
        this.exports = Map.copyOf(exports);
        this.module = module;
    }

    @Override
    public CompletionStage<byte[]> call(String function, byte[] input) {
        return call(function, input, null);
    }

    @Override
    public CompletionStage<byte[]> call(String function, byte[] input, String traceparent) {
        String export = exports.get(function);
        if (export == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("plugin " + plugin + " has no function '"
                    + function + "' in " + binding + " (it has "
                    + String.join(", ", new TreeSet<>(exports.keySet()))
                    + ")"));
        }
        return module.plug(export, input, traceparent);
    }
}
