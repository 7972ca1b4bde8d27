package dev.valor.sandbox.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads sandboxed plugins run on: daemons, named, at the normal priority. */
public final class Threads {

    private Threads() {}

    /**
     * Threads named {@code prefix-N} (or just {@code prefix} when {@code numbered} is false). Each
     * starts at the normal priority, not at that of a demoted thread that happened to start it.
     *
     * @param stackSize the stack size in bytes, 0 for the JVM's default
     */
    public static ThreadFactory named(String prefix, boolean numbered, long stackSize) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, numbered ? prefix + "-" + n.incrementAndGet() : prefix, stackSize);
            t.setDaemon(true);
            t.setPriority(Thread.NORM_PRIORITY);
            return t;
        };
    }
}
