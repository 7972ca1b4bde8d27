package dev.valor.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Declares, on a Declarative Services component, the route of the {@link Vlugin} it provides.
 * Becomes the service properties {@value VluginProperties#NAME}, {@value VluginProperties#PREFIX}
 * and {@value VluginProperties#TIMEOUT_MS}. A configuration from a plugin definition overrides them.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface VluginRoute {

    /** Makes the element names below the property names {@code valor.name}, ... */
    String PREFIX_ = "valor.";

    /** The plugin's unique name. */
    String name();

    /** The URL prefix, e.g. {@code "hello"} or {@code "api/v1"}; empty means the name. */
    String prefix() default "";

    /** Time limit for one answer in milliseconds; 0 means the router's default. */
    long timeout_ms() default 0;

    /**
     * Whether request bodies come as a stream ({@link Request#bodyStream()}) rather than whole;
     * the property {@value VluginProperties#STREAMED_BODY}.
     *
     * @since 1.3
     */
    boolean request_streamed() default false;
}
