package dev.valor.api.plugin;

/** A plugin could not be deployed; the message says why, in words fit for a log line, the registry and the shell. */
public class PluginException extends Exception {

    private static final long serialVersionUID = 1L;

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
