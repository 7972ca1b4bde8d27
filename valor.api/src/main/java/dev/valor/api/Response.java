package dev.valor.api;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** An HTTP response from a plugin: immutable status, headers and body. */
public final class Response {

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";

    private final int status;
    private final Headers headers;
    private final Body body;

    private Response(int status, Headers headers, Body body) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("invalid HTTP status " + status);
        }
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = Objects.requireNonNull(body, "body");
    }

    /** A response; it takes the body array over, so the caller must not change it afterwards. */
    public static Response of(int status, Headers headers, byte[] body) {
        return new Response(status, headers, Body.of(body));
    }

    public static Response of(int status, Headers headers, Body body) {
        return new Response(status, headers, body);
    }

    /** 200 with a UTF-8 text body. */
    public static Response text(String text) {
        return text(200, text);
    }

    public static Response text(int status, String text) {
        return new Response(status, Headers.of("content-type", TEXT), Body.of(text));
    }

    /** 200 with a JSON body already encoded; the response takes the array over. */
    public static Response json(byte[] json) {
        return json(200, json);
    }

    public static Response json(int status, byte[] json) {
        return new Response(status, Headers.of("content-type", JSON), Body.of(json));
    }

    /** 200 with JSON text. */
    public static Response json(String json) {
        return json(200, json.getBytes(StandardCharsets.UTF_8));
    }

    /** A status with no body. */
    public static Response status(int status) {
        return new Response(status, Headers.empty(), Body.empty());
    }

    public int status() {
        return status;
    }

    public Headers headers() {
        return headers;
    }

    /** The first value of a header, ignoring case, or {@code null}. */
    public String header(String name) {
        return headers.first(name);
    }

    /** The body; empty for a status-only answer. */
    public Body body() {
        return body;
    }

    /** The body decoded as UTF-8, a shortcut for {@code body().text()}. */
    public String bodyText() {
        return body.text();
    }

    /** This response with one more header field. */
    public Response withHeader(String name, String value) {
        return new Response(status, headers.with(name, value), body);
    }

    /** This response with the header set to one value. */
    public Response withHeaderSet(String name, String value) {
        return new Response(status, headers.set(name, value), body);
    }

    public Response withStatus(int status) {
        return new Response(status, headers, body);
    }

    public Response withHeaders(Headers headers) {
        return new Response(status, headers, body);
    }

    @Override
    public String toString() {
        return "Response[" + status + ", " + headers + ", " + body + "]";
    }
}
