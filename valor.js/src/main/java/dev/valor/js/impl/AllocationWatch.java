package dev.valor.js.impl;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounds what one request may allocate, for an engine without a heap limit of its own: a watch
 * thread reads each running request's thread-allocated bytes every millisecond and stops the
 * request that passes its bound (measured in the stack spike: allocators stopped within 1–6 ms).
 */
final class AllocationWatch implements AutoCloseable {

    private static final long PERIOD_NANOS = 1_000_000;

    private record Watched(long threadId, long startBytes, long limitBytes, Runnable onBreach) {
    }

    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Map<Long, Watched> watched = new ConcurrentHashMap<>();
    private final AtomicLong keys = new AtomicLong();
    private final Thread watcher;
    private volatile boolean running = true;

    AllocationWatch() {
        threads.setThreadAllocatedMemoryEnabled(true);
        watcher = new Thread(this::watch, "valor-js-allocations");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Watches the current thread until the returned handle is closed. */
    AutoCloseable watch(long limitBytes, Runnable onBreach) {
        long tid = Thread.currentThread().getId();
        long key = keys.incrementAndGet();
        watched.put(key, new Watched(tid, threads.getThreadAllocatedBytes(tid), limitBytes, onBreach));
        LockSupport.unpark(watcher);
        return () -> watched.remove(key);
    }

    private void watch() {
        while (running) {
            if (watched.isEmpty()) {
                LockSupport.parkNanos(this, 50 * PERIOD_NANOS);
                continue;
            }
            for (Map.Entry<Long, Watched> e : watched.entrySet()) {
                Watched w = e.getValue();
                long allocated = threads.getThreadAllocatedBytes(w.threadId()) - w.startBytes();
                if (allocated > w.limitBytes() && watched.remove(e.getKey()) != null) {
                    try {
                        w.onBreach().run();
                    } catch (Throwable t) {
                        // one failed cancel must not stop the watch for every other request
                    }
                }
            }
            LockSupport.parkNanos(this, PERIOD_NANOS);
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(watcher);
    }
}
