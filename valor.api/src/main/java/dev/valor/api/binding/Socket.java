package dev.valor.api.binding;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A consumer's way to call a binding's providers, as many as its cardinality takes: the best
 * ranked one for {@code exactly-one} and {@code at-most-one}, all of them for {@code at-least-one}
 * and {@code any}. Providers are looked up at each call, so a provider deployed, swapped or removed
 * is followed without the consumer doing anything.
 */
@ProviderType
public interface Socket {

    Binding binding();

    Cardinality cardinality();

    /**
     * Calls {@code function} on the providers: one result per provider called, in provider name
     * order; none when there is no provider. A provider's failure is its result's error, never the
     * stage's. The stage completes when every provider has answered.
     */
    default CompletionStage<List<Result>> call(String function, byte[] input) {
        return call(function, input, null);
    }

    /**
     * {@link #call(String, byte[])} as part of a trace: each provider is called with the same
     * trace id from a parent of its own, and carries it on into its outgoing calls.
     *
     * @param traceparent the W3C Trace Context of the call the consumer is making it in, or null
     * @since 1.1
     */
    CompletionStage<List<Result>> call(String function, byte[] input, String traceparent);
}
