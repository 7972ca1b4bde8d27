package dev.valor.js.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.graalvm.polyglot.Source;

/**
 * The script every plugin context runs first: one closure over the host bridge, written as
 * ordered parts by concern (resources {@code bootstrap/*.js}), joined here into one source.
 */
final class Bootstrap {

    /** The parts in the order they run: what one uses, an earlier one defines (or hoists). */
    static final List<String> PARTS = List.of(
            "00-prelude.js", // the closure opens; no host globals beyond a Worker's
            "10-encoding.js", // UTF-8, bytes and the host's Latin-1 strings
            "20-console-timers.js", // console into the log; timers run by the host's loop
            "25-events.js", // DOMException, Event, EventTarget, AbortController, performance
            "30-base64-random-clone.js", // atob/btoa, crypto.getRandomValues, structuredClone
            "35-subtle.js", // crypto.subtle, on the JDK's providers (SubtleCrypto)
            "40-url.js", // URL, URLSearchParams
            "45-streams.js", // the Streams globals, made on first use; text and compression streams
            "48-blob-formdata.js", // Blob, File, FormData and multipart
            "50-fetch-classes.js", // Headers, Request, Response
            "60-worker-messaging.js", // onmessage, postMessage, answers to the host
            "65-kv.js", // valor.kv: the key-value stores granted
            "70-composition.js", // plugs, sockets, the valor global
            "80-bridge.js"); // fetch, and what the host calls; the closure closes

    /**
     * WHATWG Streams: web-streams-polyfill from npm (src/main/js/vendor.sh copies it in at build
     * time), evaluated in a context the first time its plugin uses a stream. Apart from the
     * bootstrap, so a context that never streams neither parses nor runs its 65 KB.
     */
    static final Source STREAMS = Source.newBuilder(
                    "js",
                    "(function () { const module = { exports: {} }, exports = module.exports;\n"
                            + read("web-streams.js") + "\nreturn module.exports; })()",
                    "web-streams.js")
            .cached(true)
            .buildLiteral();

    /** The name stack traces show for it. */
    static final String NAME = "valor-bootstrap.js";

    private Bootstrap() {}

    static String source() {
        StringBuilder source = new StringBuilder(64 * 1024);
        for (String part : PARTS) {
            source.append(read(part));
        }
        return source.toString();
    }

    private static String read(String part) {
        try (InputStream in = Bootstrap.class.getResourceAsStream("bootstrap/" + part)) {
            if (in == null) {
                throw new IllegalStateException("the bootstrap part " + part + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
