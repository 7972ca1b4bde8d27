package dev.valor.api.binding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Declares, on a DS component providing {@link Plug}, the binding it implements and the plugin
 * name it answers as. Becomes the service properties {@code valor.binding} and {@code valor.name}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface PlugBinding {

    /** Makes the element names below the property names {@code valor.binding}, {@code valor.name}. */
    String PREFIX_ = "valor.";

    /** The binding, {@code name@major}. */
    String binding();

    /** The provider's name: the key of its results in a consumer's multiple socket. */
    String name();
}
