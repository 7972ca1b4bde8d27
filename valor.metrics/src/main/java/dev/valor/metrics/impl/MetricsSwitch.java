package dev.valor.metrics.impl;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Turns the metrics on when the framework property {@value #METRICS} is {@code "true"}
 * ({@code bin/valor --metrics}): until then there is no {@code Meters} service, nothing is recorded,
 * and {@code /_metrics} is not served.
 */
@Component(
        immediate = true,
        service = {})
public class MetricsSwitch {

    /** Framework property: "true" turns the metrics on. */
    public static final String METRICS = "valor.metrics";

    @Activate
    void activate(BundleContext context, ComponentContext component) {
        if (Boolean.parseBoolean(context.getProperty(METRICS))) {
            component.enableComponent(PrometheusMeters.class.getName());
            component.enableComponent(MetricsEndpoint.class.getName());
        }
    }
}
