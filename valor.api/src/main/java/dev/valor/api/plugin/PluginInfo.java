package dev.valor.api.plugin;

/**
 * What the registry knows of one plugin.
 *
 * @param name     unique name
 * @param prefix   URL prefix, without slashes at either end
 * @param type     the kind of plugin
 * @param source   where it came from: a file path or bundle location
 * @param version  the artifact's version (a bundle's version), or empty if unknown
 * @param state    where it is in its life
 * @param reason   why it failed, or why its last update failed while an earlier version still
 *                 serves; empty if nothing failed
 * @param served   requests answered so far, by all its versions
 */
public record PluginInfo(
        String name,
        String prefix,
        PluginType type,
        String source,
        String version,
        PluginState state,
        String reason,
        long served) {}
