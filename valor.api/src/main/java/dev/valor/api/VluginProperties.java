package dev.valor.api;

/**
 * Names of the service properties through which a {@link Vlugin} describes itself to the router
 * and the registry. {@link VluginRoute} sets the first three; the runtime sets the others from a
 * plugin definition through ConfigAdmin.
 */
public final class VluginProperties {

    /** The plugin's unique name (String). Required. */
    public static final String NAME = "valor.name";

    /** The URL prefix the plugin serves, without slashes at either end (String). Defaults to the name. */
    public static final String PREFIX = "valor.prefix";

    /** Time limit for one answer in milliseconds (Long); 0 or absent means the router's default. */
    public static final String TIMEOUT_MS = "valor.timeout.ms";

    /**
     * Whether the plugin reads request bodies as they arrive, from {@link Request#bodyStream()}
     * (Boolean, default false): it is called before the body is read, and the body is never held
     * whole. {@link VluginRoute#request_streamed()} sets it.
     *
     * @since 1.3
     */
    public static final String STREAMED_BODY = "valor.request.streamed";

    /** The definition's {@code config}: a JSON string's value, or the JSON text of any other value. */
    public static final String CONFIG = "valor.config";

    /** The definition's {@code config} as JSON text, always. */
    public static final String CONFIG_JSON = "valor.config.json";

    /** The kind of plugin: {@code native}, {@code wasm}, {@code js} (String). Informational. */
    public static final String TYPE = "valor.type";

    private VluginProperties() {}
}
