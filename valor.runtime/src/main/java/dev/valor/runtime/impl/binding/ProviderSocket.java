package dev.valor.runtime.impl.binding;

import dev.valor.api.TraceContext;
import dev.valor.api.binding.Binding;
import dev.valor.api.binding.Cardinality;
import dev.valor.api.binding.Result;
import dev.valor.api.binding.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A socket: looks its providers up at each call, calls them, and turns each provider's failure
 * into that provider's error result. A call that meets a provider version retiring in a swap goes
 * on to the version that replaced it, so a swap never fails a consumer's call.
 */
final class ProviderSocket implements Socket {

    private final Binding binding;
    private final Cardinality cardinality;
    private final BindingLinker linker;

    ProviderSocket(Binding binding, Cardinality cardinality, BindingLinker linker) {
        this.binding = binding;
        this.cardinality = cardinality;
        this.linker = linker;
    }

    @Override
    public Binding binding() {
        return binding;
    }

    @Override
    public Cardinality cardinality() {
        return cardinality;
    }

    @Override
    public CompletionStage<List<Result>> call(String function, byte[] input, String traceparent) {
        if (!cardinality.multiple()) {
            for (Provider p : linker.plugsOf(binding)) {
                if (linker.usable(p)) {
                    return callOne(p, function, input, traceparent, true).thenApply(List::of);
                }
            }
            return CompletableFuture.completedStage(List.of());
        }
        List<Provider> providers =
                linker.providers(binding).stream().filter(linker::usable).toList();
        if (providers.isEmpty()) {
            return CompletableFuture.completedStage(List.of());
        }
        if (providers.size() == 1) {
            return callOne(providers.get(0), function, input, traceparent, true).thenApply(List::of);
        }
        List<CompletableFuture<Result>> calls = new ArrayList<>(providers.size());
        for (Provider p : providers) {
            calls.add(callOne(p, function, input, traceparent, true).toCompletableFuture());
        }
        return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> calls.stream().map(CompletableFuture::join).toList());
    }

    private CompletionStage<Result> callOne(
            Provider p, String function, byte[] input, String traceparent, boolean mayRetry) {
        CompletionStage<byte[]> call;
        try {
            // Each provider's call is a span of its own in the consumer's trace.
            call = p.plug()
                    .call(function, input, TraceContext.valid(traceparent) ? TraceContext.child(traceparent) : null);
            if (call == null) {
                call = CompletableFuture.failedFuture(new IllegalStateException("the provider answered nothing"));
            }
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handle((value, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedStage(
                                Result.ok(p.name(), value == null ? new byte[0] : value));
                    }
                    if (mayRetry && !linker.registered(p)) {
                        Optional<Provider> next = linker.current(binding, p.name());
                        if (next.isPresent() && next.get().id() != p.id()) {
                            return callOne(next.get(), function, input, traceparent, false);
                        }
                    }
                    return CompletableFuture.completedStage(Result.failed(p.name(), message(failure)));
                })
                .thenCompose(r -> r);
    }

    static String message(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
