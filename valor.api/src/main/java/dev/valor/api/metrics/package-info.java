/**
 * What the runtime counts. Its parts record into the {@link dev.valor.api.metrics.Meters} service
 * while metrics are on, and register an {@link dev.valor.api.metrics.InstancePool} per pool they
 * keep, read at each scrape. With metrics off there is no {@code Meters} service and nothing is
 * recorded.
 */
@Export
@Version("1.0.0")
package dev.valor.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
