package dev.valor.launcher;

import java.lang.management.ManagementFactory;

/**
 * Where start-up time goes, printed to stderr when {@code -Dvalor.trace.startup=true}: milliseconds
 * since the JVM started, at each phase. Off by default, and then it costs nothing.
 */
abstract class StartupTrace {

    abstract void mark(String phase);

    static StartupTrace create() {
        if (!Boolean.getBoolean("valor.trace.startup")) {
            return new StartupTrace() {
                @Override
                void mark(String phase) {}
            };
        }
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        StartupTrace trace = new StartupTrace() {
            @Override
            void mark(String phase) {
                System.err.printf("startup %5d ms  %s%n", System.currentTimeMillis() - jvmStart, phase);
            }
        };
        trace.mark("launcher main");
        return trace;
    }
}
