package dev.valor.runtime.impl.binding;

import dev.valor.api.VluginProperties;
import dev.valor.api.binding.Binding;
import dev.valor.api.binding.Plug;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/** One plug service: which binding, which plugin, and the service to call. */
record Provider(Binding binding, String name, String type, ServiceReference<Plug> ref, Plug plug) {

    long id() {
        return (Long) ref.getProperty(Constants.SERVICE_ID);
    }

    /** Reads a plug's properties; null (and a reason logged by the caller) when they are not valid. */
    static Provider of(ServiceReference<Plug> ref, Plug plug) {
        Object binding = ref.getProperty(Plug.BINDING);
        Object name = ref.getProperty(VluginProperties.NAME);
        if (!(binding instanceof String) || !(name instanceof String) || ((String) name).isBlank()) {
            throw new IllegalArgumentException("a Plug service needs the properties " + Plug.BINDING
                    + " (name@major) and " + VluginProperties.NAME);
        }
        Object type = ref.getProperty(VluginProperties.TYPE);
        return new Provider(
                Binding.parse((String) binding),
                (String) name,
                type == null ? "native" : String.valueOf(type),
                ref,
                plug);
    }
}
