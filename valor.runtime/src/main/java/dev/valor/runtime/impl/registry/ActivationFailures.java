package dev.valor.runtime.impl.registry;

import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** Why a DS component behind a service failed to activate, as SCR tells it. */
public final class ActivationFailures {

    private ActivationFailures() {}

    /** The reason, or {@code null} if the service is not a DS component's or it did not fail. */
    public static String reason(ServiceComponentRuntime scr, ServiceReference<?> ref) {
        Object componentName = ref.getProperty("component.name");
        Object componentId = ref.getProperty("component.id");
        if (!(componentName instanceof String) || !(componentId instanceof Number) || ref.getBundle() == null) {
            return null;
        }
        ComponentDescriptionDTO description = scr.getComponentDescriptionDTO(ref.getBundle(), (String) componentName);
        if (description == null) {
            return null;
        }
        for (ComponentConfigurationDTO config : scr.getComponentConfigurationDTOs(description)) {
            if (config.id == ((Number) componentId).longValue()
                    && config.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                return "component " + componentName + " failed to activate: " + firstLine(config.failure);
            }
        }
        return null;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unknown error";
        }
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }
}
