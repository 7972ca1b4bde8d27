package dev.valor.api.metrics;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A whiteboard service: a plugin's pool of instances (wasm instances, JS contexts), with the
 * plugin's {@code valor.name} and {@code valor.type} service properties. The metrics read it at each
 * scrape; a plugin with two versions during a swap has two pools, summed.
 */
@ConsumerType
public interface InstancePool {

    /** Instances that exist now, busy or idle. */
    int instances();

    /** Instances handling a call now. */
    int busy();
}
