package dev.valor.api.plugin;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Knows every plugin the runtime was asked to run and every Vlugin service that serves, with its
 * state: active, or failed with the reason.
 */
@ProviderType
public interface PluginRegistry {

    /** All plugins, ordered by name. */
    List<PluginInfo> plugins();

    /** One plugin by name. */
    Optional<PluginInfo> plugin(String name);
}
