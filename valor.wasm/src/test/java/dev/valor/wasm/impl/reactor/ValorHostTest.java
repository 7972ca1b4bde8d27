package dev.valor.wasm.impl.reactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.TraceContext;
import dev.valor.api.binding.Result;
import dev.valor.sandbox.internal.log.PluginLog;
import dev.valor.sandbox.internal.outbound.Outbound;
import dev.valor.sandbox.internal.outbound.OutboundPolicy;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The reactor ABI's host functions, called as a module calls them: pointers into its memory. */
class ValorHostTest {

    private final Memory memory = new ByteArrayMemory(new MemoryLimits(1));
    private final PluginLog log = new PluginLog(LoggerFactory.getLogger(ValorHostTest.class), "p");
    /** In-process fetches reach this "router": it answers with the path and the caller's Host. */
    private final Outbound outbound = new Outbound(
            "p",
            LoggerFactory.getLogger(ValorHostTest.class),
            () -> request -> CompletableFuture.completedFuture(Response.of(
                    200, Headers.of("x-seen", "1"), ("inside " + request.path()).getBytes(StandardCharsets.UTF_8))),
            HttpClient.newHttpClient(),
            new OutboundPolicy(List.of()),
            1024);

    private final ValorHost host = new ValorHost(log, outbound, 1_000);

    private int put(int at, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        memory.write(at, bytes);
        return bytes.length;
    }

    @Test
    void shouldOfferExactlyTheFunctionsTheAbiDocuments() {
        assertEquals(
                Set.of(
                        "respond",
                        "log",
                        "fetch",
                        "response_head",
                        "response_body",
                        "response_close",
                        "reply",
                        "result_count",
                        "result_ok",
                        "result_provider",
                        "result_value",
                        "result_close"),
                ValorHost.FUNCTIONS.keySet());
        assertEquals(
                FunctionType.of(List.of(ValType.I32, ValType.I32, ValType.I32, ValType.I32), List.of(ValType.I32)),
                ValorHost.FUNCTIONS.get("fetch"));
        assertEquals(FunctionType.of(List.of(ValType.I32), List.of()), ValorHost.FUNCTIONS.get("response_close"));
    }

    @Test
    void aPlugCallsFetchCarriesItsConsumersTrace() {
        String consumers = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String[] seen = new String[1];
        Outbound tracing = new Outbound(
                "p",
                LoggerFactory.getLogger(ValorHostTest.class),
                () -> request -> {
                    seen[0] = request.header("traceparent");
                    return CompletableFuture.completedFuture(Response.text(200, "ok"));
                },
                HttpClient.newHttpClient(),
                new OutboundPolicy(List.of()),
                1024);
        ValorHost plugging = new ValorHost(log, tracing, 1_000);
        plugging.begin(null, consumers); // a plug call: no request, its consumer's trace
        assertEquals(consumers, plugging.trace());
        int head = put(100, "GET /other\n");
        assertEquals(1, plugging.fetch(memory, 100, head, 0, 0));
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceContext.traceId(seen[0]));
        assertNotEquals(consumers, seen[0]);
        plugging.end();
        assertNull(plugging.trace());
    }

    @Test
    void shouldTakeTheModulesAnswerFromItsMemory() {
        host.begin(Request.builder("GET", "/").build(), null);
        int head = put(100, "201 Created\ncontent-type: text/plain\n");
        int body = put(200, "made");
        host.respond(memory, 100, head, 200, body);
        Response r = host.response();
        assertEquals(201, r.status());
        assertEquals("text/plain", r.header("content-type"));
        assertEquals("made", r.bodyText());
    }

    @Test
    void shouldFetchAndLetTheModuleReadTheAnswerByLengthFirst() {
        host.begin(
                Request.builder("GET", "/")
                        .headers(Headers.of("host", "example.test"))
                        .build(),
                null);
        int head = put(100, "GET http://example.test/other/x\n"); // its own origin: in-process
        int id = host.fetch(memory, 100, head, 0, 0);
        assertEquals(1, id);
        assertEquals("200\nx-seen: 1\n".length(), host.responseHead(memory, id, 0, 0)); // cap 0: the length only
        int length = host.responseBody(memory, id, 300, 64);
        assertEquals("inside /other/x", memory.readString(300, length));
        host.responseClose(id);
        assertEquals(ValorHost.NONE, host.responseBody(memory, id, 300, 64));
    }

    @Test
    void shouldAnswerAFetchItCannotMakeWithTheAbisCodes() {
        host.begin(null, null);
        int refused = put(100, "GET https://elsewhere.example/x\n");
        assertEquals(ValorHost.FETCH_REFUSED, host.fetch(memory, 100, refused, 0, 0));
        int malformed = put(200, "no-url-here\n");
        assertEquals(ValorHost.FETCH_MALFORMED, host.fetch(memory, 200, malformed, 0, 0));
    }

    @Test
    void shouldNotWriteAResultPastTheCapacityGiven() {
        host.begin(null, null);
        int id = host.keep(
                List.of(Result.ok("alice", "hello".getBytes(StandardCharsets.UTF_8)), Result.failed("bob", "down")));
        assertEquals(2, host.resultCount(id));
        assertEquals(1, host.resultOk(id, 0));
        assertEquals(0, host.resultOk(id, 1));
        assertEquals(ValorHost.NONE, host.resultOk(id, 2));
        memory.write(400, new byte[] {7, 7, 7});
        assertEquals(5, host.resultValue(memory, id, 0, 400, 3)); // too small: nothing written
        assertArrayEquals(new byte[] {7, 7, 7}, memory.readBytes(400, 3));
        assertEquals(4, host.resultValue(memory, id, 1, 400, 16));
        assertEquals("down", memory.readString(400, 4));
        assertEquals(3, host.resultProvider(memory, id, 1, 420, 16));
        host.end();
        assertEquals(ValorHost.NONE, host.resultCount(id)); // results live for one call
    }

    @Test
    void shouldForgetTheAnswerAndReplyOfTheLastCall() {
        host.begin(null, null);
        host.reply(memory, 100, put(100, "r"));
        assertEquals("r", new String(host.reply(), StandardCharsets.UTF_8));
        host.end();
        host.begin(null, null);
        assertNull(host.reply());
        assertNull(host.response());
    }
}
