package dev.valor.api.plugin;

import java.nio.file.Path;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Runs plugins of one kind: turns a definition and its artifact into a registered Vlugin service.
 * Register an implementation as a service with the property {@value #TYPE} naming the
 * {@link PluginType#id() type} it handles; the runtime then hands it every plugin of that type,
 * whichever way it came (plugins file, deploy folder, shell, registry endpoint).
 *
 * <p>The runtime owns names, prefixes, versions and swaps: it calls {@link #deploy} for each new
 * version and, once that version serves, closes the previous one. A handler only validates, starts
 * and stops one version.
 */
@ConsumerType
public interface PluginHandler {

    /** Service property naming the plugin type a handler runs. */
    String TYPE = "valor.plugin.type";

    /**
     * Validates the artifact and starts this version of the plugin: registers a Vlugin service
     * carrying all of {@code serviceProperties} (name, prefix, ranking, ...). Must leave nothing
     * behind when it throws.
     *
     * @param artifact a stable copy of the artifact, owned by the runtime until the version is closed
     * @throws PluginException saying why the artifact cannot run (invalid, unresolvable, ...)
     */
    Deployment deploy(PluginDefinition definition, Path artifact, Map<String, Object> serviceProperties)
            throws PluginException, InterruptedException;

    /**
     * The route an artifact declares for itself, if its kind can carry one (a bundle's
     * {@code @VluginRoute} component): used for a plugin deployed without a definition. Map keys
     * are {@code name} and {@code prefix}; either may be missing.
     */
    default Map<String, String> declaredRoute(Path artifact) {
        return Map.of();
    }

    /** One running version of a plugin. */
    interface Deployment {

        /**
         * The artifact's version, e.g. a bundle's {@code Bundle-Version}; empty if it has none, and
         * the runtime then names it by its content ({@code sha256:...}).
         */
        String version();

        /** Stops this version: unregisters its service and frees what it holds. */
        void close();
    }
}
