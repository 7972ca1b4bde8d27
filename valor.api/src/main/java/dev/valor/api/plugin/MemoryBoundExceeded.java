package dev.valor.api.plugin;

/**
 * How a call the runtime cut for allocating more than its plugin's memory bound fails: the router
 * answers 500 and counts it apart from the plugin's own failures.
 *
 * @since 1.4
 */
public class MemoryBoundExceeded extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MemoryBoundExceeded(String message) {
        super(message);
    }
}
