package dev.valor.runtime.impl.nativeplugin;

/** A plugin could not be installed; the message says why, for the log and the registry. */
public final class PluginException extends Exception {

    private static final long serialVersionUID = 1L;

    public PluginException(String message) {
        super(message);
    }
}
