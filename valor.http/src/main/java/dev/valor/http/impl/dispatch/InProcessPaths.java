package dev.valor.http.impl.dispatch;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/** The checks Jetty makes on a request from the network, for requests made in-process. */
final class InProcessPaths {

    private InProcessPaths() {}

    /**
     * The path decoded and with its dot segments resolved, or {@code null} when it is malformed:
     * not absolute, an invalid escape, an encoded slash or control character, or climbing above
     * the root.
     */
    static String normalize(String raw) {
        if (raw == null || !raw.startsWith("/") || raw.contains("%2F") || raw.contains("%2f")) {
            return null;
        }
        // Jetty refuses an encoded dot segment as ambiguous; so does this.
        String[] rawSegments = raw.split("/", -1);
        for (String segment : rawSegments) {
            String lower = segment.toLowerCase(Locale.ROOT);
            if (lower.contains("%2e") && lower.replace("%2e", ".").matches("\\.{1,2}")) {
                return null;
            }
        }
        String decoded;
        try {
            decoded = raw.indexOf('%') < 0 ? raw : URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (int i = 0; i < decoded.length(); i++) {
            if (decoded.charAt(i) < 0x20 || decoded.charAt(i) == 0x7f) {
                return null;
            }
        }
        Deque<String> segments = new ArrayDeque<>();
        String[] parts = decoded.split("/", -1);
        for (int i = 1; i < parts.length; i++) {
            String s = parts[i];
            if (s.equals("..")) {
                if (segments.isEmpty()) {
                    return null;
                }
                segments.removeLast();
            } else if (!s.equals(".")) {
                segments.addLast(s);
            }
        }
        return "/" + String.join("/", segments);
    }

    /** Most bytes of headers an in-process request may carry: what Jetty's request header buffer takes from the network. */
    static final int MAX_HEADER_BYTES = 16 * 1024;

    /** Whether a method is an HTTP token (letters, digits and the few symbols RFC 9110 allows) a plugin may be called with. */
    static boolean isToken(String method) {
        if (method == null || method.isEmpty() || method.length() > 32 || method.equalsIgnoreCase("CONNECT")) {
            return false; // CONNECT asks for a tunnel, which no plugin is
        }
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z'
                    || c >= 'a' && c <= 'z'
                    || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
