package dev.valor.api.plugin;

/**
 * What the registry knows of one plugin.
 *
 * @param name     unique name
 * @param prefix   URL prefix, without slashes at either end
 * @param type     the kind of plugin
 * @param source   where it came from: a file path, a bundle location, or the fleet
 * @param version  the artifact's version (a bundle's version), or empty if unknown
 * @param state    where it is in its life
 * @param reason   why it failed, or why its last update failed while an earlier version still
 *                 serves; empty if nothing failed
 * @param served   requests answered so far, by all its versions
 * @param fleet    whether it is one of the fleet's plugins (kept in the fleet, run by every node)
 *                 rather than this node's own (since 1.5)
 */
public record PluginInfo(
        String name,
        String prefix,
        PluginType type,
        String source,
        String version,
        PluginState state,
        String reason,
        long served,
        boolean fleet) {

    /** A plugin of this node's own, as before fleets. */
    public PluginInfo(
            String name,
            String prefix,
            PluginType type,
            String source,
            String version,
            PluginState state,
            String reason,
            long served) {
        this(name, prefix, type, source, version, state, reason, served, false);
    }
}
