package dev.valor.http.impl.dispatch;

import dev.valor.api.Headers;

/** The bytes headers take on the wire, as Jetty's header buffers count them. */
final class HeaderBytes {

    private HeaderBytes() {}

    /** Their size as {@code name: value} lines, counted up to just past {@code cap}: no more is needed to refuse them. */
    static int of(Headers headers, int cap) {
        int bytes = 0;
        for (int i = 0, n = headers.size(); i < n && bytes <= cap; i++) {
            bytes += headers.name(i).length() + headers.value(i).length() + 4; // ": " and CRLF
        }
        return bytes;
    }
}
