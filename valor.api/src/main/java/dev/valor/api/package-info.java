/**
 * The contract between Valor and a plugin: a {@link dev.valor.api.Vlugin} service answers a
 * {@link dev.valor.api.Request} with a {@link dev.valor.api.Response}, and declares its route with
 * {@link dev.valor.api.VluginRoute}.
 */
@Export
@Version("1.3.0")
package dev.valor.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
