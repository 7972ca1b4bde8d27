/**
 * Plugin state that outlives an instance: named key-value stores, one {@link dev.valor.api.kv.KeyValueStore}
 * service per store an operator configured, found by its {@value dev.valor.api.kv.KeyValueStore#NAME}
 * property. Sandboxed plugins reach the stores their definition grants through the runtime; a Java
 * plugin references one the OSGi way:
 *
 * <pre>{@code
 * @Reference(target = "(valor.kv.store=default)")
 * private KeyValueStore store;
 * }</pre>
 */
@Export
@Version("1.0.0")
package dev.valor.api.kv;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
