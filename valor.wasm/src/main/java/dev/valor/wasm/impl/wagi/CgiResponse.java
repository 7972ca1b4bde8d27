package dev.valor.wasm.impl.wagi;

import dev.valor.api.Headers;
import dev.valor.api.Response;
import dev.valor.wasm.impl.abi.Heads;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A CGI response as WAGI modules print it: header lines (any case, LF or CRLF), a blank line, the
 * body. {@code status: 404 Not Found} sets the status; a {@code location} without a status means 302.
 */
final class CgiResponse {

    private CgiResponse() {}

    static Response parse(byte[] out) {
        int headEnd = -1;
        int bodyStart = -1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == '\n') {
                if (i + 1 < out.length && out[i + 1] == '\n') {
                    headEnd = i;
                    bodyStart = i + 2;
                    break;
                }
                if (i + 2 < out.length && out[i + 1] == '\r' && out[i + 2] == '\n') {
                    headEnd = i;
                    bodyStart = i + 3;
                    break;
                }
            }
        }
        if (headEnd < 0) {
            // Headers only, no blank line: a module may end right after them.
            headEnd = out.length;
            bodyStart = out.length;
        }
        String head = new String(out, 0, headEnd, StandardCharsets.UTF_8);
        int status = 0;
        boolean location = false;
        Headers.Builder headers = Headers.builder();
        for (String line : Heads.lines(head)) { // split as the reactor ABI's head is
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException("the module printed a line that is not a header: '" + line + "'");
            }
            String name = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (name.equalsIgnoreCase("status")) {
                String code = value.contains(" ") ? value.substring(0, value.indexOf(' ')) : value;
                try {
                    status = Integer.parseInt(code);
                } catch (NumberFormatException e) {
                    throw new IllegalStateException("the module printed an invalid status: '" + value + "'");
                }
            } else {
                location |= name.equalsIgnoreCase("location");
                headers.add(name, value);
            }
        }
        if (status == 0) {
            status = location ? 302 : 200;
        }
        return Response.of(status, headers.build(), Arrays.copyOfRange(out, bodyStart, out.length));
    }
}
