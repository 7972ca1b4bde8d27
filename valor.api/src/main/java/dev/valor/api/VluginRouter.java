package dev.valor.api;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Routes a request in-process exactly as an HTTP request would be routed: by the longest
 * matching prefix, under the plugin's time limit, with the same error answers (404, 500, 504)
 * and the {@code x-valor-plugin} and {@code x-correlation-id} headers. Provided by the HTTP
 * router; used by the shell's {@code valor:call} and by plugins that call other plugins.
 */
@ProviderType
public interface VluginRouter {

    /**
     * Routes the request; its {@link Request#path() path} is the full path, prefix included.
     * The stage never completes exceptionally: failures are answers.
     */
    CompletionStage<Response> route(Request request);
}
