package dev.valor.api.metrics;

import org.osgi.annotation.versioning.ProviderType;

/** The runtime's meters, provided by the metrics bundle while metrics are on. */
@ProviderType
public interface Meters {

    /**
     * The meter of one plugin: the same object for the same name and kind, so a caller may keep it.
     *
     * @param kind the plugin's kind as its {@code valor.type} property says ({@code native},
     *             {@code wasm}, {@code js})
     */
    PluginMeter plugin(String name, String kind);
}
