package dev.valor.api;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * An HTTP request as a plugin sees it: immutable, with the plugin's prefix already stripped from
 * the path.
 */
public final class Request {

    private final String method;
    private final String path;
    private final String rawPath;
    private final String rawQuery;
    private final Headers headers;
    private final Body body;
    private final Flow.Publisher<ByteBuffer> bodyStream;
    private final String requestId;
    private final String remoteAddress;
    private final long deadlineNanos;
    private final int depth;
    // Decoded on first use; a benign race at worst decodes twice.
    private Map<String, List<String>> queryParameters;

    private Request(Builder b) {
        this.method = b.method;
        this.path = b.path;
        this.rawPath = b.rawPath == null ? b.path : b.rawPath;
        this.rawQuery = b.rawQuery;
        this.headers = b.headers;
        this.body = b.body;
        this.bodyStream = b.bodyStream;
        this.requestId = b.requestId;
        this.remoteAddress = b.remoteAddress;
        this.deadlineNanos = b.deadlineNanos;
        this.depth = b.depth;
    }

    /** A builder for a request with this method and path; handy in tests and for in-process calls. */
    public static Builder builder(String method, String path) {
        return new Builder(method, path);
    }

    /** The method, upper case as sent: {@code GET}, {@code POST}, ... */
    public String method() {
        return method;
    }

    /**
     * The path below the plugin's prefix, starting with {@code /}; {@code /} for the prefix itself.
     * Decoded ({@code %20} is a space) and normalized ({@code .} and {@code ..} segments resolved).
     */
    public String path() {
        return path;
    }

    /** The same path as the client sent it, percent-escapes kept. */
    public String rawPath() {
        return rawPath;
    }

    /** The query string as sent, without {@code ?}; empty if there is none. */
    public String rawQuery() {
        return rawQuery;
    }

    /** The query parameters, decoded ({@code +} and {@code %XX}), each name with its values in order. */
    public Map<String, List<String>> queryParameters() {
        Map<String, List<String>> params = queryParameters;
        if (params == null) {
            params = decodeQuery(rawQuery);
            queryParameters = params;
        }
        return params;
    }

    /** The first value of a query parameter, or {@code null}. */
    public String queryParameter(String name) {
        List<String> values = queryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public Headers headers() {
        return headers;
    }

    /** The first value of a header, ignoring case, or {@code null}. */
    public String header(String name) {
        return headers.first(name);
    }

    /** The body; empty if the request had none. */
    public Body body() {
        return body;
    }

    /** The body decoded as UTF-8, a shortcut for {@code body().text()}. */
    public String bodyText() {
        return body.text();
    }

    /**
     * The body as it arrives, for a plugin whose route asks for it
     * ({@link VluginProperties#STREAMED_BODY}); else {@code null}, and the body is in
     * {@link #body()}. One subscriber may read it, once; buffers come as the client sends them,
     * each the subscriber's. Past the router's body limit the stream fails; a plugin that answers
     * without reading it all leaves the rest unread (the connection is closed after the answer).
     *
     * @since 1.3
     */
    public Flow.Publisher<ByteBuffer> bodyStream() {
        return bodyStream;
    }

    /** The id that correlates this request in logs and in the {@code x-correlation-id} answer header. */
    public String requestId() {
        return requestId;
    }

    /** The client's IP address, empty for in-process calls. */
    public String remoteAddress() {
        return remoteAddress;
    }

    /**
     * When the answer is due, in {@link System#nanoTime()} terms; 0 when no deadline is known (a
     * request built by hand). A call made for this request inherits it through
     * {@link Builder#within(Request)}: the router answers 504 once it passes.
     */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /**
     * When work for this request within a limit is due: {@code limitNanos} from now, or the
     * request's deadline if that comes first.
     */
    public long dueWithin(long limitNanos) {
        long own = System.nanoTime() + limitNanos;
        return deadlineNanos != 0 && deadlineNanos - own < 0 ? deadlineNanos : own;
    }

    /** How many in-process calls led to this one: 0 for a request from the network. */
    public int depth() {
        return depth;
    }

    @Override
    public String toString() {
        return method + " " + path + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }

    private static Map<String, List<String>> decodeQuery(String query) {
        if (query.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            if (end > start) {
                int eq = query.indexOf('=', start);
                String name;
                String value;
                if (eq < 0 || eq > end) {
                    name = decode(query.substring(start, end));
                    value = "";
                } else {
                    name = decode(query.substring(start, eq));
                    value = decode(query.substring(eq + 1, end));
                }
                params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            start = end + 1;
        }
        params.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableMap(params);
    }

    // Malformed escapes are kept as sent rather than failing the whole request.
    private static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** Builds a {@link Request}. */
    public static final class Builder {
        private final String method;
        private final String path;
        private String rawPath;
        private String rawQuery = "";
        private Headers headers = Headers.empty();
        private Body body = Body.empty();
        private Flow.Publisher<ByteBuffer> bodyStream;
        private String requestId = "";
        private String remoteAddress = "";
        private long deadlineNanos;
        private int depth;

        private Builder(String method, String path) {
            this.method = Objects.requireNonNull(method, "method");
            this.path = path == null || path.isEmpty() ? "/" : path;
        }

        /** The path as sent, percent-escapes kept; defaults to the path. */
        public Builder rawPath(String rawPath) {
            this.rawPath = rawPath == null || rawPath.isEmpty() ? null : rawPath;
            return this;
        }

        public Builder rawQuery(String rawQuery) {
            this.rawQuery = rawQuery == null ? "" : rawQuery;
            return this;
        }

        public Builder headers(Headers headers) {
            this.headers = Objects.requireNonNull(headers, "headers");
            return this;
        }

        /** The body; the request takes the array over, so the caller must not change it afterwards. */
        public Builder body(byte[] body) {
            this.body = Body.of(body);
            return this;
        }

        /** The body as UTF-8 text; {@code null} for none. */
        public Builder body(String text) {
            this.body = text == null ? Body.empty() : Body.of(text);
            return this;
        }

        public Builder body(Body body) {
            this.body = Objects.requireNonNull(body, "body");
            return this;
        }

        /**
         * The body as a stream (see {@link Request#bodyStream()}); {@code null} for none.
         *
         * @since 1.3
         */
        public Builder bodyStream(Flow.Publisher<ByteBuffer> bodyStream) {
            this.bodyStream = bodyStream;
            return this;
        }

        public Builder requestId(String requestId) {
            this.requestId = requestId == null ? "" : requestId;
            return this;
        }

        public Builder remoteAddress(String remoteAddress) {
            this.remoteAddress = remoteAddress == null ? "" : remoteAddress;
            return this;
        }

        /** When the answer is due ({@link System#nanoTime()}); 0 for none. */
        public Builder deadlineNanos(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
            return this;
        }

        /** How many in-process calls led to this one; see {@link #within(Request)}, which counts it. */
        public Builder depth(int depth) {
            this.depth = depth;
            return this;
        }

        /**
         * Makes this a call on behalf of {@code cause}, the request being handled: it inherits the
         * cause's deadline and is one level deeper, so a chain of calls (a plugin fetching itself,
         * A calling B calling A) ends with its request instead of running on.
         */
        public Builder within(Request cause) {
            this.deadlineNanos = cause.deadlineNanos;
            this.depth = cause.depth + 1;
            return this;
        }

        public Request build() {
            return new Request(this);
        }
    }
}
