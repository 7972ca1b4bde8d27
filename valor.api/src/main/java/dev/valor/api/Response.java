package dev.valor.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * An HTTP response from a plugin: immutable status, headers and body. The body is either bytes
 * known when the answer is made ({@link #body()}) or a stream produced over time
 * ({@link #stream(int, Headers, Flow.Publisher)}).
 */
public final class Response {

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";

    private final int status;
    private final Headers headers;
    private final Body body;
    private final Flow.Publisher<ByteBuffer> stream; // null unless streamed

    private Response(int status, Headers headers, Body body) {
        this(status, headers, body, null);
    }

    private Response(int status, Headers headers, Body body, Flow.Publisher<ByteBuffer> stream) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("invalid HTTP status " + status);
        }
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = Objects.requireNonNull(body, "body");
        this.stream = stream;
    }

    /** A response; it takes the body array over, so the caller must not change it afterwards. */
    public static Response of(int status, Headers headers, byte[] body) {
        return new Response(status, headers, Body.of(body));
    }

    public static Response of(int status, Headers headers, Body body) {
        return new Response(status, headers, body);
    }

    /**
     * A response whose body the publisher produces over time: the client receives each buffer as
     * it comes (chunked, flushed per buffer). The router subscribes once and asks for one buffer at
     * a time; it may cancel (the client went away, the stream's time limit passed), and then the
     * publisher should stop and free what it holds. Until the first buffer (or the end) arrives
     * nothing is sent, so the plugin's time limit bounds the time to the first byte; a failure
     * before it answers 500, after it the connection is cut so the client sees an incomplete body.
     *
     * @since 1.3
     */
    public static Response stream(int status, Headers headers, Flow.Publisher<ByteBuffer> body) {
        return new Response(status, headers, Body.empty(), Objects.requireNonNull(body, "body"));
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

    /** The body; empty for a status-only answer and for a streamed one (see {@link #streamedBody()}). */
    public Body body() {
        return body;
    }

    /** The body decoded as UTF-8, a shortcut for {@code body().text()}. */
    public String bodyText() {
        return body.text();
    }

    /**
     * The streamed body, or {@code null} when the body is bytes.
     *
     * @since 1.3
     */
    public Flow.Publisher<ByteBuffer> streamedBody() {
        return stream;
    }

    /**
     * Whether the body is a stream.
     *
     * @since 1.3
     */
    public boolean isStreamed() {
        return stream != null;
    }

    /** This response with one more header field. */
    public Response withHeader(String name, String value) {
        return new Response(status, headers.with(name, value), body, stream);
    }

    /** This response with the header set to one value. */
    public Response withHeaderSet(String name, String value) {
        return new Response(status, headers.set(name, value), body, stream);
    }

    public Response withStatus(int status) {
        return new Response(status, headers, body, stream);
    }

    public Response withHeaders(Headers headers) {
        return new Response(status, headers, body, stream);
    }

    @Override
    public String toString() {
        return "Response[" + status + ", " + headers + ", " + (stream == null ? body : "streamed") + "]";
    }
}
