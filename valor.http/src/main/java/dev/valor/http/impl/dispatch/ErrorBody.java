package dev.valor.http.impl.dispatch;

import java.nio.charset.StandardCharsets;

/** The small JSON body of the router's own errors: {@code {"error": "...", "requestId": "..."}}. */
final class ErrorBody {

    private ErrorBody() {
    }

    static byte[] of(String error, String requestId) {
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
