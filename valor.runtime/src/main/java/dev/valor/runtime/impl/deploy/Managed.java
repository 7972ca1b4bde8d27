package dev.valor.runtime.impl.deploy;

import dev.valor.api.plugin.PluginDefinition;
import java.nio.file.Path;

/**
 * A snapshot of one managed plugin.
 *
 * @param definition what serves now, or what was last tried if nothing serves
 * @param origin     where it comes from
 * @param source     what defines it: the plugins file, the deploy-folder file, ...
 * @param artifact   the serving version's artifact (or the one last tried), as the user named it
 * @param version    the serving artifact's version; empty if nothing serves
 * @param serving    whether a version serves
 * @param serviceId  the serving version's Vlugin service id, or -1
 * @param error      the last failure (deploying it or an update of it), empty if none
 * @param content    the runtime's own copy of the serving artifact, {@code null} if nothing serves
 * @param sha256     the serving artifact's SHA-256 (hex), empty if nothing serves
 */
public record Managed(
        PluginDefinition definition,
        Origin origin,
        String source,
        String artifact,
        String version,
        boolean serving,
        long serviceId,
        String error,
        Path content,
        String sha256) {}
