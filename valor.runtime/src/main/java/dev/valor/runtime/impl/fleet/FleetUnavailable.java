package dev.valor.runtime.impl.fleet;

import dev.valor.api.plugin.PluginException;

/** The fleet's Redis cannot be reached: a change to the fleet's set is refused (503), nothing was written. */
public final class FleetUnavailable extends PluginException {
    private static final long serialVersionUID = 1L;

    FleetUnavailable(String message) {
        super(message);
    }
}
