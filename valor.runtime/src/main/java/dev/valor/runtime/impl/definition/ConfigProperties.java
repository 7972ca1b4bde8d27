package dev.valor.runtime.impl.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.valor.api.VluginProperties;
import dev.valor.api.plugin.PluginDefinition;
import java.util.Hashtable;
import java.util.Iterator;
import java.util.Map;

/**
 * Turns a definition into the configuration properties of its component: the route, the config
 * as text and JSON, and each top-level scalar field of an object config under its own name, so a
 * component property type can read {@code config.greeting()} directly.
 */
public final class ConfigProperties {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigProperties() {}

    public static Hashtable<String, Object> of(PluginDefinition definition) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(VluginProperties.NAME, definition.name());
        props.put(VluginProperties.PREFIX, definition.prefix());
        props.put(VluginProperties.TYPE, definition.type().id());
        String json = definition.configJson();
        if (json == null) {
            return props;
        }
        JsonNode config;
        try {
            config = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("config is not valid JSON: " + e.getOriginalMessage());
        }
        props.put(VluginProperties.CONFIG_JSON, json);
        props.put(VluginProperties.CONFIG, config.isTextual() ? config.textValue() : json);
        if (config.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                Object value = scalar(field.getValue());
                if (value != null && !isReserved(field.getKey())) {
                    props.put(field.getKey(), value);
                }
            }
        }
        return props;
    }

    private static Object scalar(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return null;
    }

    private static boolean isReserved(String key) {
        return key.isEmpty()
                || key.startsWith("valor.")
                || key.startsWith("service.")
                || key.startsWith("component.")
                || key.startsWith("osgi.")
                || key.equals("objectClass")
                || key.startsWith(".");
    }
}
