package dev.valor.sandbox.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Linux's SCHED_IDLE scheduling class, for the threads that run the calls of plugins that
 * misbehaved lately ({@link Conduct}). On the EEVDF scheduler (Linux 6.6 and later) a nice value
 * only sets a thread's share of the CPU: once picked, a thread at nice 19 still runs out its time
 * slice before a request thread that wakes gets the core, and a request wakes several threads on
 * its way. A SCHED_IDLE thread gives the core up at once to any normal thread that wakes.
 *
 * <p>Java cannot choose the class; util-linux's {@code chrt} can, for a thread of this process and
 * without privileges. Where it is missing, or off Linux, such calls are only demoted by priority.
 */
public final class IdleClass {

    /** Whether a thread could be put in the idle class here: tried once, on a thread of its own. */
    public static final boolean AVAILABLE = !"false".equals(System.getProperty("valor.idle.class")) && probe();

    private IdleClass() {
    }

    /** Puts the calling thread in the idle class for the rest of its life; false when that failed. */
    static boolean enter() {
        return Kernel.enter();
    }

    /** The calling thread's scheduling policy (5: SCHED_IDLE), -1 where there is none. */
    static int policy() {
        return Kernel.policy();
    }

    private static boolean probe() {
        Kernel probe = new Kernel();
        boolean available = Threads.probeApart(probe, "valor-idle-class-probe", 10_000) && probe.entered;
        if (!available) {
            LoggerFactory.getLogger(IdleClass.class).info("Calls of misbehaving plugins run at a lower priority only: "
                    + "no SCHED_IDLE here (needs Linux and util-linux's chrt)");
        }
        return available;
    }

    /** What talks to the kernel: a class apart, so that the probe's thread does not wait for this one's initialisation. */
    private static final class Kernel implements Runnable {
        private static final int SCHED_IDLE = 5;
        private volatile boolean entered;

        @Override
        public void run() {
            entered = enter();
        }

        /** Puts the calling thread in the idle class for the rest of its life; false when that failed. */
        static boolean enter() {
            String tid = ownThreadId();
            if (tid == null) {
                return false;
            }
            try {
                Process chrt = new ProcessBuilder("chrt", "--idle", "--pid", "0", tid).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!chrt.waitFor(5, TimeUnit.SECONDS)) {
                    chrt.destroyForcibly();
                    return false;
                }
                return chrt.exitValue() == 0 && policy() == SCHED_IDLE;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** The calling thread's scheduling policy (field 41 of /proc/thread-self/stat), -1 where there is none. */
        static int policy() {
            try {
                String stat = Files.readString(Path.of("/proc/thread-self/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Integer.parseInt(fields[38]); // the fields after the command name start at field 3
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        /** The kernel's id of the calling thread: /proc/thread-self links to PID/task/TID. */
        private static String ownThreadId() {
            try {
                return Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
