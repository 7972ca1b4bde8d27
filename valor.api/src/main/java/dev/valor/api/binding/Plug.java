package dev.valor.api.binding;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One provider's implementation of a binding, registered as a service with the properties
 * {@value #BINDING} ({@code name@major}) and {@value dev.valor.api.VluginProperties#NAME} (the
 * provider's plugin name). The runtime registers plugs for wasm and JavaScript plugins; a Java
 * bundle registers its own, most simply as a component annotated with {@link PlugBinding}:
 *
 * <pre>{@code
 * @Component
 * @PlugBinding(binding = "audit@1", name = "audit_java")
 * public class Audit implements Plug {
 *     public CompletionStage<byte[]> call(String function, byte[] input) { ... }
 * }
 * }</pre>
 *
 * <p>A Java consumer may take plugs as plain DS references,
 * {@code @Reference(target = "(valor.binding=markdown@1)")}, or link through the {@link Linker}
 * to get a socket's per-provider results.
 */
@ConsumerType
@FunctionalInterface
public interface Plug {

    /** Service property: the binding this plug implements, as {@code name@major}. */
    String BINDING = "valor.binding";

    /**
     * Calls one function of the binding. Runs under the provider's own limits; a stage that fails
     * is this provider's error (an unknown function, a trap, a time-out, a thrown exception).
     */
    CompletionStage<byte[]> call(String function, byte[] input);

    /**
     * {@link #call(String, byte[])} as part of a trace: {@code traceparent} is the W3C Trace
     * Context of this call (the consumer's request's trace, from a parent of the call's own), or
     * null. A provider that makes outgoing calls carries it on; the default forgets it.
     *
     * @since 1.1
     */
    default CompletionStage<byte[]> call(String function, byte[] input, String traceparent) {
        return call(function, input);
    }
}
