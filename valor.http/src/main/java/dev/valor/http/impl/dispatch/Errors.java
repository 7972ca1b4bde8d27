package dev.valor.http.impl.dispatch;

import dev.valor.api.Response;
import java.nio.charset.StandardCharsets;

/** The router's own answers: a status and a small JSON body {@code {"error": "...", "requestId": "..."}}. */
final class Errors {

    private Errors() {}

    static Response response(int status, String error, String requestId) {
        return Response.json(status, body(error, requestId));
    }

    static byte[] body(String error, String requestId) {
        StringBuilder json = new StringBuilder(64 + error.length() + requestId.length());
        json.append("{\"error\":");
        quote(json, error);
        json.append(",\"requestId\":");
        quote(json, requestId);
        json.append('}');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void quote(StringBuilder json, String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    json.append("\\\"");
                    break;
                case '\\':
                    json.append("\\\\");
                    break;
                default:
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
            }
        }
        json.append('"');
    }
}
