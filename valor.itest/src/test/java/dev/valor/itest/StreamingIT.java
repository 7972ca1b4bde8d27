package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.valor.api.Headers;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginProperties;
import dev.valor.api.plugin.PluginState;
import dev.valor.itest.fixture.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Streamed answers as a client sees them: each chunk when it is made, a stream cancelled (and its
 * instance freed) when the client goes away, the limits on its first byte, its CPU and its length.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StreamingIT extends DeployFolderSupport {

    /** The end of a whole chunked body: a client that does not see it knows the body was cut. */
    private static final String LAST_CHUNK = "\r\n0\r\n\r\n";

    private final List<ServiceRegistration<Vlugin>> registrations = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(
                valor(Map.of("valor.state.dir", tempDir("state").toString())),
                systemProperty(Fixtures.DIR).value(Fixtures.build().toString()));
    }

    @After
    public void unregister() {
        registrations.forEach(ServiceRegistration::unregister);
        timer.shutdownNow();
    }

    private void deployStreams(String name, String limits) throws Exception {
        write(name + ".json", "{\"limits\": " + limits + "}");
        drop("streams.mjs", name + ".mjs");
        awaitInfo(name, i -> i.state() == PluginState.ACTIVE);
    }

    @Test
    public void shouldSendEachServerSentEventWhenItIsMade() throws Exception {
        deployStreams("sse", "{\"instances\": 1}");
        assertEquals(200, get("/sse/events?n=1&ms=1").statusCode()); // the context's streams are made once

        long start = System.nanoTime();
        HttpResponse<Stream<String>> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base() + "/sse/events?n=8&ms=150"))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        List<String> lines = new ArrayList<>();
        long firstEvent = 0;
        for (Iterator<String> it = r.body().iterator(); it.hasNext(); ) {
            String line = it.next();
            if (firstEvent == 0 && line.startsWith("data:")) {
                firstEvent = System.nanoTime() - start;
            }
            lines.add(line);
        }
        long total = System.nanoTime() - start;

        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream", r.headers().firstValue("content-type").orElseThrow());
        assertTrue(
                r.headers().map().toString(),
                r.headers().firstValue("content-length").isEmpty());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            expected.addAll(List.of("id: " + i, "data: event " + i, ""));
        }
        assertEquals(expected, lines);
        assertTrue("8 events 150 ms apart took " + total / 1_000_000 + " ms", total >= 8 * 150 * 1_000_000L);
        assertTrue(
                "the first event came after " + firstEvent / 1_000_000 + " ms of a " + total / 1_000_000 + " ms stream",
                firstEvent < total / 3);
    }

    @Test
    public void shouldCancelTheStreamAndFreeItsWorkerWhenTheClientGoesAway() throws Exception {
        deployStreams("gone", "{\"instances\": 1}");
        assertEquals("{\"cancelled\":0}", get("/gone/stats").body());
        try (Socket s = open("/gone/events?n=100000&ms=20")) {
            String seen = readUntil(s.getInputStream(), "data: event 1\n");
            assertTrue(seen, seen.startsWith("HTTP/1.1 200 "));
        }
        // The one worker serves this only once the stream it was writing is cancelled.
        long left = System.nanoTime();
        assertEquals("{\"cancelled\":1}", get("/gone/stats").body());
        long freed = System.nanoTime() - left;
        assertTrue("freed " + freed / 1_000_000 + " ms after the client left", freed < 5_000_000_000L);
        assertEquals(2, count(get("/gone/events?n=2&ms=5").body(), "data: "));
    }

    @Test
    public void shouldAnswer500WhenAStreamFailsBeforeItsFirstByteAndCutItAfter() throws Exception {
        deployStreams("failing", "{}");
        HttpResponse<String> before = get("/failing/fail-before");
        assertEquals(500, before.statusCode());
        assertTrue(before.body(), before.body().startsWith("{\"error\":\"plugin failed\""));

        try (Socket s = open("/failing/fail-after")) {
            String all = readToEnd(s.getInputStream());
            assertTrue(all, all.startsWith("HTTP/1.1 200 ") && all.contains("data: first"));
            assertFalse("a broken stream must not look whole: " + all, all.endsWith(LAST_CHUNK));
        }
    }

    @Test
    public void shouldAnswer504WhenAStreamGivesNoFirstByteInTimeAndRunItsCancel() throws Exception {
        deployStreams("late", "{\"instances\": 1, \"timeout_ms\": 400}");
        HttpResponse<String> r = get("/late/never");
        assertEquals(504, r.statusCode());
        assertEquals("{\"cancelled\":1}", get("/late/stats").body());
    }

    @Test
    public void shouldCutARunawayStreamAndServeTheNextRequest() throws Exception {
        deployStreams("runaway", "{\"instances\": 1, \"timeout_ms\": 300}");
        long start = System.nanoTime();
        try (Socket s = open("/runaway/spin")) {
            String all = readToEnd(s.getInputStream());
            assertTrue(all, all.contains("data: first"));
            assertFalse("a cut stream must not look whole: " + all, all.endsWith(LAST_CHUNK));
        }
        long cut = System.nanoTime() - start;
        assertTrue("cut after " + cut / 1_000_000 + " ms", cut < 5_000_000_000L);
        assertEquals("{\"cancelled\":0}", get("/runaway/stats").body()); // a fresh worker, whose count is its own
    }

    @Test
    public void shouldStreamThroughTransformStreams() throws Exception {
        deployStreams("upper", "{}");
        HttpResponse<String> r = get("/upper/upper?n=3&ms=10");
        assertEquals(200, r.statusCode());
        assertEquals("ID: 0\nDATA: EVENT 0\n\nID: 1\nDATA: EVENT 1\n\nID: 2\nDATA: EVENT 2\n\n", r.body());
    }

    @Test
    public void shouldStreamAWorkerStylePostMessageBodyAndSendABlobWhole() throws Exception {
        drop("worker-stream.js", "wstream.js");
        assertEquals("a blob", awaitBody("/wstream/blob", "a blob").body());
        try (Socket s = open("/wstream/parts")) {
            String all = readToEnd(s.getInputStream());
            assertTrue(all, all.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked"));
            assertTrue(all, all.contains("part 0\n") && all.contains("part 2\n") && all.endsWith(LAST_CHUNK));
        }
    }

    @Test
    public void shouldReadAStreamedAnswerWholeInAnInProcessCall() throws Exception {
        deployStreams("source", "{}");
        deployStreams("reader", "{}");
        HttpResponse<String> r = get("/reader/collect?from=source");
        assertEquals(r.body(), 200, r.statusCode());
        assertEquals(
                "200 text/event-stream\nid: 0\ndata: event 0\n\nid: 1\ndata: event 1\n\nid: 2\ndata: event 2\n\n",
                r.body());
    }

    /** A Java plugin's stream: {@code n} chunks {@code ms} apart; the latch counts down when it is cancelled. */
    private void registerJavaStream(String name, int n, long ms, CountDownLatch cancelled) {
        Vlugin vlugin = request -> {
            SubmissionPublisher<ByteBuffer> body = new SubmissionPublisher<>();
            Runnable[] next = new Runnable[1];
            int[] i = {0};
            next[0] = () -> {
                if (body.isClosed()) {
                    return;
                }
                if (i[0] > 0 && !body.hasSubscribers()) {
                    cancelled.countDown();
                    body.close();
                    return;
                }
                if (i[0] == n) {
                    body.close();
                    return;
                }
                body.submit(ByteBuffer.wrap(("chunk " + i[0]++ + "\n").getBytes(StandardCharsets.UTF_8)));
                timer.schedule(next[0], ms, TimeUnit.MILLISECONDS);
            };
            timer.schedule(next[0], ms, TimeUnit.MILLISECONDS);
            return CompletableFuture.completedStage(
                    Response.stream(200, Headers.of("content-type", "text/plain"), body));
        };
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(VluginProperties.NAME, name);
        registrations.add(context.registerService(Vlugin.class, vlugin, props));
    }

    @Test
    public void shouldStreamAJavaPluginsPublisherAndCancelItWhenTheClientGoesAway() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        registerJavaStream("javastream", 6, 150, cancelled);
        awaitStatus("/javastream", 200);
        long start = System.nanoTime();
        try (Socket s = open("/javastream")) {
            InputStream in = s.getInputStream();
            readUntil(in, "chunk 0\n");
            long first = System.nanoTime() - start;
            String rest = readToEnd(in);
            long total = System.nanoTime() - start;
            assertTrue(rest, rest.contains("chunk 5\n") && rest.endsWith(LAST_CHUNK));
            assertTrue(
                    "first chunk after " + first / 1_000_000 + " of " + total / 1_000_000 + " ms", first < total / 3);
        }
        registerJavaStream("javaforever", Integer.MAX_VALUE, 20, cancelled);
        try (Socket s = open("/javaforever")) {
            readUntil(s.getInputStream(), "chunk 2\n");
        }
        assertTrue("the publisher's subscription was cancelled", cancelled.await(10, TimeUnit.SECONDS));
    }

    @Test
    public void shouldCutAStreamPastTheConfiguredStreamLimit() throws Exception {
        registerJavaStream("endless", Integer.MAX_VALUE, 20, new CountDownLatch(1));
        withRouterConfig(Map.of("max.stream.ms", 300L), () -> {
            long deadline = System.nanoTime() + 20_000_000_000L;
            String all = "";
            while (System.nanoTime() < deadline) { // the configuration reaches the router a moment after the update
                try (Socket s = open("/endless")) {
                    s.setSoTimeout(2_000);
                    all = readToEnd(s.getInputStream(), 2);
                    break;
                } catch (IOException stillOpen) {
                    // the limit was not in force yet
                }
            }
            assertTrue(all, all.startsWith("HTTP/1.1 200 ") && all.contains("chunk 3\n"));
            assertFalse("a stream cut at its limit must not look whole", all.endsWith(LAST_CHUNK));
        });
    }

    /** A Java plugin that reads request bodies as they arrive: each buffer goes to {@code seen}, the answer counts them. */
    private void registerBodyReader(String name, BlockingQueue<String> seen) {
        Vlugin vlugin = request -> {
            CompletableFuture<Response> answer = new CompletableFuture<>();
            request.bodyStream().subscribe(new Flow.Subscriber<>() {
                private Flow.Subscription subscription;
                private final StringBuilder body = new StringBuilder();
                private int buffers;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    s.request(1);
                }

                @Override
                public void onNext(ByteBuffer b) {
                    String part = StandardCharsets.UTF_8.decode(b).toString();
                    body.append(part);
                    buffers++;
                    seen.add(part);
                    subscription.request(1);
                }

                @Override
                public void onError(Throwable e) {
                    seen.add("error: " + e.getMessage()); // the router answers for the plugin
                }

                @Override
                public void onComplete() {
                    answer.complete(Response.text(body.length() + " bytes in " + buffers + " buffers: " + body));
                }
            });
            return answer;
        };
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(VluginProperties.NAME, name);
        props.put(VluginProperties.STREAMED_BODY, true);
        registrations.add(context.registerService(Vlugin.class, vlugin, props));
    }

    @Test
    public void shouldHandARequestBodyToThePluginAsItArrives() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        registerBodyReader("upload", seen);
        awaitStatus("/upload", 200); // a GET has no body: its stream ends at once
        seen.clear();
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(context.getProperty("org.osgi.service.http.port")))) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The plugin has the first part while the client has not sent the rest.
            assertEquals("hello", seen.poll(10, TimeUnit.SECONDS));
            out.write("6\r\n world\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readUntil(s.getInputStream(), "hello world");
            assertTrue(
                    answer,
                    answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("11 bytes in 2 buffers: hello world"));
        }
    }

    @Test
    public void shouldAnswer413WhenAStreamedRequestBodyPassesTheLimit() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        registerBodyReader("bigupload", seen);
        withRouterConfig(Map.of("max.body.bytes", 1000L), () -> {
            HttpResponse<String> r = awaitChunkedPost("/bigupload", 1500, 413);
            assertTrue(r.body(), r.body().startsWith("{\"error\":\"request body exceeds 1000 bytes\""));
            assertTrue(seen.toString(), seen.contains("error: request body exceeds 1000 bytes"));
        });
    }

    private void deployUpload(String name) throws Exception {
        write(name + ".json", "{\"request\": {\"streamed\": true}, \"limits\": {\"instances\": 1}}");
        drop("upload.mjs", name + ".mjs");
        awaitInfo(name, i -> i.state() == PluginState.ACTIVE);
    }

    @Test
    public void shouldEchoAModulesRequestBodyPartByPartWhileTheClientSendsIt() throws Exception {
        deployUpload("jsupload");
        assertEquals("no body", get("/jsupload/echo").body());
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(context.getProperty("org.osgi.service.http.port")))) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("POST /jsupload/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "5\r\nhello\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The first part comes back while the client has not sent the rest.
            String head = readUntil(in, "HELLO");
            assertTrue(head, head.startsWith("HTTP/1.1 200 "));
            out.write("6\r\n world\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String rest = readToEnd(in);
            assertTrue(head + rest, rest.contains(" WORLD") && rest.endsWith(LAST_CHUNK));
        }
        // The whole of a large body, in more than one part, and then text read whole.
        HttpResponse<String> counted = send(HttpRequest.newBuilder(URI.create(base() + "/jsupload/count"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[300_000])));
        assertTrue(counted.body(), counted.body().startsWith("{\"bytes\":300000,\"chunks\":"));
        assertFalse(counted.body(), counted.body().contains("\"chunks\":1}"));
        HttpResponse<String> text = send(HttpRequest.newBuilder(URI.create(base() + "/jsupload/text"))
                .POST(HttpRequest.BodyPublishers.ofString("ünïcode text")));
        assertEquals("ünïcode text", text.body());
    }

    @Test
    public void shouldLetAModuleAnswerBeforeTheRestOfItsBodyIsSent() throws Exception {
        deployUpload("jsfirst");
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(context.getProperty("org.osgi.service.http.port")))) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(("POST /jsfirst/first HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nsome")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = readUntil(s.getInputStream(), "first: some");
            assertTrue(answer, answer.startsWith("HTTP/1.1 200 "));
            assertTrue(answer, answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"));
        }
        assertEquals(
                "{\"bytes\":3,\"chunks\":1}",
                send(HttpRequest.newBuilder(URI.create(base() + "/jsfirst/count"))
                                .POST(HttpRequest.BodyPublishers.ofString("abc")))
                        .body()); // its one worker is free again
    }

    @Test
    public void shouldRefuseAStreamedRequestBodyForAWorkerStyleScript() throws Exception {
        assertEquals(
                "workerupload.js: request.streamed needs module style: a worker's message has no stream body",
                refusedHello("workerupload", "{\"request\": {\"streamed\": true}}"));
    }

    @Test
    public void shouldAnswer413WhenAModulesStreamedBodyPassesTheLimit() throws Exception {
        deployUpload("jsbig");
        withRouterConfig(Map.of("max.body.bytes", 1000L), () -> {
            HttpResponse<String> r = awaitChunkedPost("/jsbig/count", 1500, 413);
            assertTrue(r.body(), r.body().startsWith("{\"error\":\"request body exceeds 1000 bytes\""));
            assertEquals(
                    "{\"bytes\":999,\"chunks\":1}",
                    send(HttpRequest.newBuilder(URI.create(base() + "/jsbig/count"))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[999])))
                            .body());
        });
    }

    /** Runs {@code check} with the router configured so, then as it was. */
    private void withRouterConfig(Map<String, Object> settings, Check check) throws Exception {
        ConfigurationAdmin cm = context.getService(context.getServiceReference(ConfigurationAdmin.class));
        org.osgi.service.cm.Configuration config = cm.getConfiguration("dev.valor.http", "?");
        config.update(new Hashtable<>(settings));
        try {
            check.run();
        } finally {
            config.delete();
        }
    }

    private interface Check {
        void run() throws Exception;
    }

    /**
     * POSTs a chunked body of {@code bytes} until the answer has {@code status}: the configuration
     * reaches the router a moment after its update. Chunked, since a Content-Length past the limit
     * is refused before the plugin is called.
     */
    private HttpResponse<String> awaitChunkedPost(String path, int bytes, int status) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        HttpResponse<String> r;
        do {
            r = send(HttpRequest.newBuilder(URI.create(base() + path))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[bytes]))));
        } while (r.statusCode() != status && System.nanoTime() < deadline);
        assertEquals(r.body(), status, r.statusCode());
        return r;
    }

    private Socket open(String path) throws IOException {
        Socket s = new Socket("127.0.0.1", Integer.parseInt(context.getProperty("org.osgi.service.http.port")));
        s.setSoTimeout(10_000);
        s.getOutputStream()
                .write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    /** What the connection gave up to and including the marker. */
    private static String readUntil(InputStream in, String marker) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            seen.write(b);
            if (seen.toString(StandardCharsets.UTF_8).endsWith(marker)) {
                return seen.toString(StandardCharsets.UTF_8);
            }
        }
        throw new IOException("the connection ended before " + marker + ": " + seen.toString(StandardCharsets.UTF_8));
    }

    /**
     * The answer on a kept-alive connection: up to its last chunk when it is whole, else all until
     * the server cut the connection (a reset counts as cutting it).
     */
    private static String readToEnd(InputStream in) throws IOException {
        return readToEnd(in, 10);
    }

    /** As {@link #readToEnd(InputStream)}, failing once the answer is still coming after the seconds given. */
    private static String readToEnd(InputStream in, long seconds) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        long end = System.nanoTime() + seconds * 1_000_000_000L; // a stream that keeps giving keeps a read going
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (System.nanoTime() - end > 0) {
                    throw new IOException("the answer was still coming after " + seconds + " s");
                }
                all.write(buffer, 0, n);
                if (all.toString(StandardCharsets.UTF_8).endsWith(LAST_CHUNK)) {
                    break;
                }
            }
        } catch (SocketException e) {
            // a cut connection
        } catch (SocketTimeoutException e) {
            if (all.size() > 0) {
                throw new IOException("the connection stayed open after " + all.toString(StandardCharsets.UTF_8));
            }
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
