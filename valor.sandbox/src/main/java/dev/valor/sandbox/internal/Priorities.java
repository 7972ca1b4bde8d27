package dev.valor.sandbox.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Whether calls may be demoted to a lower OS priority: only when Java priorities reach the OS
 * (bin/valor's {@code -XX:ThreadPriorityPolicy=1}) and a thread may raise its priority again
 * afterwards (root, or {@code CAP_SYS_NICE}); otherwise a demoted pooled thread would stay low for
 * every later call. Found out once, by trying on a thread of its own and reading its nice value.
 */
public final class Priorities {

    public static final boolean DEMOTION = probe();

    private Priorities() {}

    private static boolean probe() {
        Probe probe = new Probe();
        Thread t = new Thread(probe, "valor-priority-probe");
        t.start();
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!probe.restored) {
            LoggerFactory.getLogger(Priorities.class)
                    .info(
                            "Long plugin calls are not demoted: the JVM does not "
                                    + "map priorities to the OS (-XX:ThreadPriorityPolicy=1) or may not raise them again (not root, no CAP_SYS_NICE)");
        }
        return probe.restored;
    }

    /** Runs on a thread of its own; a class apart, so that it does not wait for this one's initialisation. */
    private static final class Probe implements Runnable {
        volatile boolean restored;

        @Override
        public void run() {
            Thread me = Thread.currentThread();
            Integer normal = nice();
            me.setPriority(Thread.MIN_PRIORITY);
            Integer low = nice();
            me.setPriority(Thread.NORM_PRIORITY);
            Integer back = nice();
            restored = normal != null && low != null && back != null && low > normal && back.equals(normal);
        }

        /** This thread's nice value (field 19 of /proc/thread-self/stat), or null where there is none. */
        private static Integer nice() {
            try {
                String stat = Files.readString(Path.of("/proc/thread-self/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Integer.valueOf(fields[16]); // the fields after the command name start at field 3
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
