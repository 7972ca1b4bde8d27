package dev.valor.wasm.impl.reactor;

import static dev.valor.wasm.impl.abi.CopyOut.copyOut;

import com.dylibso.chicory.annotations.Buffer;
import com.dylibso.chicory.annotations.HostModule;
import com.dylibso.chicory.annotations.WasmExport;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.binding.Result;
import dev.valor.sandbox.internal.log.PluginLog;
import dev.valor.sandbox.internal.outbound.Outbound;
import dev.valor.sandbox.internal.outbound.OutboundException;
import dev.valor.wasm.impl.abi.Heads;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reactor ABI's {@code valor} imports (docs/wasm-abi.md), one object per instance: what the
 * module answers, fetches and gets back from socket calls lives here for the call in progress.
 * Chicory's annotation processor writes the wiring ({@code ValorHost_ModuleFactory}); the names and
 * types a module may import come from it too ({@link #FUNCTIONS}).
 */
@HostModule("valor")
public final class ValorHost {

    /** What {@link #fetch} returns in place of an answer id. */
    public static final int FETCH_REFUSED = -1;

    public static final int FETCH_FAILED = -2;
    public static final int FETCH_MALFORMED = -3;
    /** What a read of an answer or result returns when there is no such thing. */
    public static final int NONE = -1;

    /** Every function of the module by name, with its type: what a module may import from {@code valor}. */
    public static final Map<String, FunctionType> FUNCTIONS = functions();

    private final PluginLog log;
    private final Outbound outbound;
    private final long fetchTimeoutMs;

    private Response response;
    private byte[] reply;
    private final Map<Integer, Response> fetched = new HashMap<>();
    private int nextFetch = 1;
    private final Map<Integer, List<Result>> results = new HashMap<>();
    private int nextResult = 1;
    /** The request being handled, whose origin, deadline and depth its fetches inherit; null in a plug call. */
    private Request request;
    /** A plug call's trace, which its fetches and socket calls carry on; null in a request. */
    private String plugTrace;

    /** @param outbound where {@link #fetch} sends; null for a module that cannot fetch (never called then) */
    public ValorHost(PluginLog log, Outbound outbound, long fetchTimeoutMs) {
        this.log = log;
        this.outbound = outbound;
        this.fetchTimeoutMs = fetchTimeoutMs;
    }

    public HostFunction[] toHostFunctions() {
        return ValorHost_ModuleFactory.toHostFunctions(this);
    }

    private static Map<String, FunctionType> functions() {
        Map<String, FunctionType> all = new LinkedHashMap<>();
        for (HostFunction f : new ValorHost(null, null, 0).toHostFunctions()) {
            all.put(f.name(), f.functionType());
        }
        return Map.copyOf(all);
    }

    /**
     * Starts a call: a request, or a plug call (no request, its consumer's trace), with nothing
     * answered or fetched yet.
     */
    void begin(Request request, String plugTrace) {
        this.request = request;
        this.plugTrace = plugTrace;
        response = null;
        reply = null;
    }

    /** Ends a call: what it fetched and got back from sockets lives no longer. */
    void end() {
        request = null;
        plugTrace = null;
        fetched.clear();
        results.clear();
    }

    /** The trace the call in progress belongs to: its request's, or its plug call's; null if none. */
    String trace() {
        return Outbound.traceOf(request, plugTrace);
    }

    /** What the module gave with {@code respond}, or null. */
    Response response() {
        return response;
    }

    /** What a plug function gave with {@code reply}, or null. */
    byte[] reply() {
        return reply;
    }

    /** Keeps a socket call's results for the module to read; returns their handle. */
    int keep(List<Result> socketResults) {
        int id = nextResult++;
        results.put(id, socketResults);
        return id;
    }

    @WasmExport
    public void respond(Memory memory, int head, int headLength, int body, int bodyLength) {
        byte[] bytes = bodyLength == 0 ? new byte[0] : memory.readBytes(body, bodyLength);
        response = Heads.answer(memory.readBytes(head, headLength), bytes);
    }

    @WasmExport
    public void log(int level, @Buffer String message) {
        log.line(level, message);
    }

    /** An outbound request: an answer id, or the code of why there is none. */
    @WasmExport
    public int fetch(Memory memory, int head, int headLength, int body, int bodyLength) {
        byte[] bytes = bodyLength == 0 ? new byte[0] : memory.readBytes(body, bodyLength);
        Heads.Fetch f;
        try {
            f = Heads.fetch(memory.readBytes(head, headLength));
        } catch (IllegalArgumentException e) {
            log.line(2, "fetch refused: " + e.getMessage());
            return FETCH_MALFORMED;
        }
        try {
            Response r = outbound.await(f.method(), f.url(), f.headers(), bytes, request, plugTrace, fetchTimeoutMs);
            int id = nextFetch++;
            fetched.put(id, r);
            return id;
        } catch (OutboundException e) { // logged by Outbound
            switch (e.kind()) {
                case REFUSED:
                    return FETCH_REFUSED;
                case MALFORMED:
                    return FETCH_MALFORMED;
                default:
                    return FETCH_FAILED;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching", e);
        }
    }

    @WasmExport
    public int responseHead(Memory memory, int id, int buffer, int capacity) {
        Response r = fetched.get(id);
        return r == null ? NONE : copyOut(memory, Heads.response(r), buffer, capacity);
    }

    @WasmExport
    public int responseBody(Memory memory, int id, int buffer, int capacity) {
        Response r = fetched.get(id);
        return r == null ? NONE : copyOut(memory, r.body().bytes(), buffer, capacity);
    }

    @WasmExport
    public void responseClose(int id) {
        fetched.remove(id);
    }

    /** A plug function's answer. */
    @WasmExport
    public void reply(Memory memory, int data, int length) {
        reply = memory.readBytes(data, length);
    }

    @WasmExport
    public int resultCount(int id) {
        List<Result> r = results.get(id);
        return r == null ? NONE : r.size();
    }

    @WasmExport
    public int resultOk(int id, int index) {
        Result r = result(id, index);
        return r == null ? NONE : r.ok() ? 1 : 0;
    }

    @WasmExport
    public int resultProvider(Memory memory, int id, int index, int buffer, int capacity) {
        Result r = result(id, index);
        return r == null ? NONE : copyOut(memory, r.provider().getBytes(StandardCharsets.UTF_8), buffer, capacity);
    }

    @WasmExport
    public int resultValue(Memory memory, int id, int index, int buffer, int capacity) {
        Result r = result(id, index);
        return r == null
                ? NONE
                : copyOut(memory, r.ok() ? r.value() : r.error().getBytes(StandardCharsets.UTF_8), buffer, capacity);
    }

    @WasmExport
    public void resultClose(int id) {
        results.remove(id);
    }

    private Result result(int id, int index) {
        List<Result> r = results.get(id);
        return r == null || index < 0 || index >= r.size() ? null : r.get(index);
    }
}
