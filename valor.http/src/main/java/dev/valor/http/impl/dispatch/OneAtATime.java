package dev.valor.http.impl.dispatch;

import java.util.function.BooleanSupplier;

/**
 * Runs a stream's steps on one thread at a time without making any thread wait: a call that finds
 * another running leaves it a note to look once more, and returns. The publisher's threads and
 * Jetty's both drive a stream, and neither may block on the other.
 */
final class OneAtATime {

    private boolean running; // guarded by this
    private boolean again; // guarded by this

    /** Runs {@code step} until it returns false and no other call asked for another look. */
    void run(BooleanSupplier step) {
        synchronized (this) {
            if (running) {
                again = true;
                return;
            }
            running = true;
        }
        boolean done = false;
        try {
            while (true) {
                while (step.getAsBoolean()) {
                    // one more move was made: look again
                }
                synchronized (this) {
                    if (!again) {
                        running = false;
                        done = true;
                        return;
                    }
                    again = false;
                }
            }
        } finally {
            if (!done) {
                synchronized (this) {
                    running = false;
                    again = false;
                }
            }
        }
    }
}
