package dev.valor.js.impl;

import java.util.LinkedHashMap;
import java.util.Map;
import org.graalvm.options.OptionDescriptor;
import org.graalvm.options.OptionDescriptors;
import org.graalvm.options.OptionStability;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;

/**
 * The JavaScript options every plugin context gets, as far as the engine knows them. bin/valor runs
 * GraalJS 23.0 before JDK 21 (its compiler is the last for JDK 17's JVMCI) and 25.0 from JDK 21 on:
 * 23.0 counts these options experimental and has no {@code js.text-encoding} (the bootstrap then
 * supplies TextEncoder and TextDecoder).
 */
final class ContextOptions {

    private static final Map<String, String> WANTED = new LinkedHashMap<>();

    static {
        // No globals beyond the Web Worker ones: the bootstrap adds its own console.
        WANTED.put("js.print", "false");
        WANTED.put("js.load", "false");
        WANTED.put("js.graal-builtin", "false");
        WANTED.put("js.console", "false");
        WANTED.put("js.unhandled-rejections", "throw");
        WANTED.put("js.text-encoding", "true");
        WANTED.put("js.esm-eval-returns-exports", "true");
    }

    private final Map<String, String> known = new LinkedHashMap<>();
    private final boolean experimental;

    ContextOptions(Engine engine) {
        OptionDescriptors descriptors = engine.getLanguages().get("js").getOptions();
        boolean anyExperimental = false;
        for (Map.Entry<String, String> e : WANTED.entrySet()) {
            OptionDescriptor d = descriptors.get(e.getKey());
            if (d != null) {
                known.put(e.getKey(), e.getValue());
                anyExperimental |= d.getStability() == OptionStability.EXPERIMENTAL;
            }
        }
        experimental = anyExperimental;
    }

    Context.Builder applyTo(Context.Builder builder) {
        return builder.allowExperimentalOptions(experimental).options(known);
    }
}
