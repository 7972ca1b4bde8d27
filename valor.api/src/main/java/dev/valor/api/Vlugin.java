package dev.valor.api;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A plugin that answers HTTP requests. Register it as an OSGi service (a Declarative Services
 * component annotated with {@link VluginRoute} is the usual way) and the router sends it every
 * request under its prefix.
 *
 * <p>The answer is a stage so that a plugin can wait on I/O without holding a thread; a plugin
 * that answers at once returns {@code CompletableFuture.completedStage(response)}:
 *
 * <pre>{@code
 * @Component
 * @VluginRoute(name = "hello")
 * public class Hello implements Vlugin {
 *     public CompletionStage<Response> handle(Request request) {
 *         return CompletableFuture.completedStage(Response.text("Hello!"));
 *     }
 * }
 * }</pre>
 *
 * <p>Calls may arrive concurrently from many threads. A stage that completes exceptionally, or a
 * method that throws, answers 500 without revealing the error to the client; a stage that does not
 * complete within the plugin's time limit, or completes with a
 * {@link java.util.concurrent.TimeoutException}, answers 504.
 */
@ConsumerType
@FunctionalInterface
public interface Vlugin {

    /** Answers one request. Must not block for long: return an incomplete stage instead. */
    CompletionStage<Response> handle(Request request);
}
