package dev.valor.wasm.impl.abi;

import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The reactor ABI's heads (docs/wasm-abi.md): UTF-8 text, a first line, then {@code name: value} lines. */
public final class Heads {

    private Heads() {}

    /** An outbound request's head as a module writes it: {@code "GET https://host/x"} or {@code "GET /other/x?y"}. */
    public record Fetch(String method, String url, Headers headers) {}

    /** "METHOD /path?query\n" then "name: value\n" per header: what a module gets for a request. */
    public static byte[] request(Request request) {
        StringBuilder head = new StringBuilder(256);
        head.append(request.method()).append(' ').append(request.rawPath());
        if (!request.rawQuery().isEmpty()) {
            head.append('?').append(request.rawQuery());
        }
        head.append('\n');
        appendHeaders(head, request.headers());
        return head.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** "STATUS\n" then "name: value\n" per header: a fetched answer's head as a module reads it. */
    public static byte[] response(Response response) {
        StringBuilder head = new StringBuilder().append(response.status()).append('\n');
        appendHeaders(head, response.headers());
        return head.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A module's answer: its head ("STATUS[ reason]\n" and header lines) and its body.
     *
     * @throws IllegalStateException when the head does not start with a status or has a line that is no header
     */
    public static Response answer(byte[] head, byte[] body) {
        String[] lines = lines(head);
        String statusLine = lines.length == 0 ? "" : lines[0].strip();
        int space = statusLine.indexOf(' ');
        int status;
        try {
            status = Integer.parseInt(space < 0 ? statusLine : statusLine.substring(0, space));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the response head does not start with a status: '" + statusLine + "'");
        }
        try {
            return Response.of(status, headers(lines), body);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    /**
     * A module's outbound request head.
     *
     * @throws IllegalArgumentException when it does not start with "METHOD URL" or has a line that is no header
     */
    public static Fetch fetch(byte[] head) {
        String[] lines = lines(head);
        String first = lines.length == 0 ? "" : lines[0].strip();
        int space = first.indexOf(' ');
        if (space <= 0) {
            throw new IllegalArgumentException("the request head does not start with 'METHOD URL'");
        }
        return new Fetch(
                first.substring(0, space).toUpperCase(Locale.ROOT),
                first.substring(space + 1).strip(),
                headers(lines));
    }

    /**
     * The head's lines, split at LF with a CR before it dropped. By hand: {@code split("\\r?\\n")}
     * compiled its pattern at every answer, a third of what the runtime spent on a wasm hello
     * beside the module's own code (async-profiler, issue 23).
     */
    public static String[] lines(byte[] head) {
        return lines(new String(head, StandardCharsets.UTF_8));
    }

    /** {@link #lines(byte[])} of a head already decoded. */
    public static String[] lines(String text) {
        java.util.List<String> lines = new java.util.ArrayList<>(8);
        int start = 0;
        for (int lf; (lf = text.indexOf('\n', start)) >= 0; start = lf + 1) {
            int end = lf > start && text.charAt(lf - 1) == '\r' ? lf - 1 : lf;
            lines.add(text.substring(start, end));
        }
        lines.add(text.substring(start));
        return lines.toArray(new String[0]);
    }

    private static Headers headers(String[] lines) {
        Headers.Builder headers = Headers.builder();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("not a header line: '" + line + "'");
            }
            headers.add(
                    line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        return headers.build();
    }

    private static void appendHeaders(StringBuilder head, Headers headers) {
        for (int i = 0, n = headers.size(); i < n; i++) {
            head.append(headers.name(i)).append(": ").append(headers.value(i)).append('\n');
        }
    }
}
