package dev.valor.runtime.impl.deploy;

import dev.valor.api.plugin.PluginException;

/** The name or prefix a plugin asks for belongs to another plugin. */
public final class PluginConflict extends PluginException {

    private static final long serialVersionUID = 1L;

    public PluginConflict(String message) {
        super(message);
    }
}
