/**
 * Plugins composed from plugins: a plugin <em>plugs</em> into a {@link dev.valor.api.binding.Binding}
 * (provides its functions) and has <em>sockets</em> for bindings others provide, each with a
 * {@link dev.valor.api.binding.Cardinality}. A plug is a {@link dev.valor.api.binding.Plug} service;
 * the {@link dev.valor.api.binding.Linker} turns a plugin's declared sockets into callable
 * {@link dev.valor.api.binding.Socket}s that follow providers as they come and go.
 */
@Export
@Version("1.1.0")
package dev.valor.api.binding;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
