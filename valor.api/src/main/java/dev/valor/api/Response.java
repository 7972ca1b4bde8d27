package dev.valor.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** An HTTP response from a plugin: immutable status, headers and body. */
public final class Response {

    private static final byte[] NO_BODY = new byte[0];
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";

    private final int status;
    private final Headers headers;
    private final byte[] body;

    private Response(int status, Headers headers, byte[] body) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("invalid HTTP status " + status);
        }
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = body == null ? NO_BODY : body;
    }

    /** A response; it takes the body array over, so the caller must not change it afterwards. */
    public static Response of(int status, Headers headers, byte[] body) {
        return new Response(status, headers, body);
    }

    /** 200 with a UTF-8 text body. */
    public static Response text(String text) {
        return text(200, text);
    }

    public static Response text(int status, String text) {
        return new Response(status, Headers.of("content-type", TEXT), text.getBytes(StandardCharsets.UTF_8));
    }

    /** 200 with a JSON body already encoded; the response takes the array over. */
    public static Response json(byte[] json) {
        return json(200, json);
    }

    public static Response json(int status, byte[] json) {
        return new Response(status, Headers.of("content-type", JSON), json);
    }

    /** 200 with JSON text. */
    public static Response json(String json) {
        return json(200, json.getBytes(StandardCharsets.UTF_8));
    }

    /** A status with no body. */
    public static Response status(int status) {
        return new Response(status, Headers.empty(), NO_BODY);
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

    public int bodyLength() {
        return body.length;
    }

    /** The body as a read-only view, no copy. */
    public ByteBuffer body() {
        return ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    /** A copy of the body. */
    public byte[] bodyBytes() {
        return body.clone();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Writes the body to a stream, no copy. */
    public void writeBodyTo(OutputStream out) throws IOException {
        out.write(body);
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
        return "Response[" + status + ", " + headers + ", " + body.length + " bytes]";
    }
}
