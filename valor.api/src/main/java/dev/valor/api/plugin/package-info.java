/**
 * Plugins as the runtime manages them: their definitions (an entry of plugins.json or a sidecar
 * file) and what the {@link dev.valor.api.plugin.PluginRegistry} knows of each.
 */
@Export
@Version("1.5.0")
package dev.valor.api.plugin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
