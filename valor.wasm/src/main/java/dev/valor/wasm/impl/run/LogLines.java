package dev.valor.wasm.impl.run;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;

/** A module's stdout or stderr, line by line into the log under its plugin's name. */
public final class LogLines extends OutputStream {

    private static final int MAX_LINE = 8 * 1024;

    private final Logger log;
    private final String plugin;
    private final String stream;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public LogLines(Logger log, String plugin, String stream) {
        this.log = log;
        this.plugin = plugin;
        this.stream = stream;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            flushLine();
        } else if (line.size() < MAX_LINE) {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public synchronized void flush() {
        if (line.size() > 0) {
            flushLine();
        }
    }

    @Override
    public void close() {
        flush();
    }

    private void flushLine() {
        log.info("[{}] {}: {}", plugin, stream, line.toString(StandardCharsets.UTF_8).stripTrailing());
        line.reset();
    }
}
