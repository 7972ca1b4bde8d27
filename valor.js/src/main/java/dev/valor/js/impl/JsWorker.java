package dev.valor.js.impl;

import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.binding.Binding;
import dev.valor.api.binding.Result;
import dev.valor.api.binding.Socket;
import dev.valor.api.binding.Sockets;
import dev.valor.api.kv.KeyValueException;
import dev.valor.api.kv.KeyValueStore;
import dev.valor.sandbox.internal.Deadlines;
import dev.valor.sandbox.internal.kv.GrantedStores;
import dev.valor.sandbox.internal.log.PluginLog;
import dev.valor.sandbox.internal.outbound.Outbound;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * One isolated JavaScript context running a plugin, like one dedicated Web Worker: it handles
 * one request at a time, its globals persist between requests. Its own event loop runs timers
 * until the plugin answers.
 */
final class JsWorker implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Context context;
    private final Value bridge;
    private final Value runTimers;
    private final Value dispatch;
    private final Value dispatchModule;
    private final Value pendingFetches;
    private final Value callPlug;
    private final Value pullChunk;
    private final Value waiting;
    private final Value cancelStream;
    private final Value settleBody;
    private final Value handler; // module style: the exported handler; null for worker style
    private final String name;
    private final PluginLog log;
    private final Outbound outbound;
    private final long timeoutMs;
    /** Work for the context's thread: settling fetches. Tagged with the request they belong to. */
    private final LinkedBlockingQueue<Task> tasks = new LinkedBlockingQueue<>();

    private volatile long requestNumber;
    /** What its calls have allocated in all; read and written by the thread that holds it. */
    private long allocatedBytes;
    /** The request being handled, whose deadline and depth in-process fetches inherit; null in a plug call. */
    private Request cause;
    /** A plug call's trace (its consumer's), which its fetches and socket calls carry on; null otherwise. */
    private String plugTrace;

    private Response answer;
    /** Whether the answer's body is a stream not yet read to its end: the worker is its stream's until then. */
    private boolean streaming;
    /** The bytes of the chunk the stream gave, null until it gives one; see {@link #pump}. */
    private byte[] chunk;
    /** The stream ended ({@code ""}), failed (its message), or null while it runs. */
    private String streamEnd;

    private boolean streamCancelled;
    /** Whether the request in hand called {@code ctx.waitUntil}: only then is the count asked for. */
    private boolean waited;

    /** Where a streamed body's chunks go, and what it asks for: read by {@link #pump} on the worker's thread. */
    interface Sink {
        boolean wanted();

        boolean cancelled();

        void next(byte[] chunk);

        void complete();

        void fail(Throwable failure);
    }
    /** The plugin's declared sockets by binding text; empty when it declared none. */
    private final Map<String, Socket> sockets;
    /** The key-value stores the definition grants; null when it grants none. */
    private final GrantedStores stores;
    /** The request's streamed body, as the script reads it; null when it came whole. */
    private JsBodyReader bodyReader;
    /** A plug call's outcome: set by valor's plugReply. */
    private Result plugAnswer;

    private record Task(long request, Runnable run) {}

    /**
     * Makes the context and runs the plugin's file in it.
     *
     * @throws org.graalvm.polyglot.PolyglotException if the file does not compile or throws at its top level
     */
    JsWorker(
            Engine engine,
            Source bootstrap,
            JsProgram program,
            String name,
            String configJson,
            PluginLog log,
            Outbound outbound,
            long timeoutMs,
            ScheduledExecutorService timer,
            List<Binding> plugs,
            Sockets sockets,
            GrantedStores stores) {
        this.name = name;
        this.stores = stores;
        this.sockets = new HashMap<>();
        if (sockets != null) {
            sockets.all().forEach((binding, socket) -> this.sockets.put(binding.toString(), socket));
        }
        this.log = log;
        this.outbound = outbound;
        this.timeoutMs = timeoutMs;
        OutputStream out = log.lines(null);
        context = Context.newBuilder("js")
                .engine(engine)
                .allowHostAccess(HostAccess.NONE)
                .allowHostClassLookup(c -> false)
                .allowIO(IOAccess.NONE)
                .allowCreateThread(false)
                .allowCreateProcess(false)
                .allowNativeAccess(false)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .out(out)
                .err(out)
                .option("js.print", "false")
                .option("js.load", "false")
                .option("js.graal-builtin", "false")
                .option("js.console", "false")
                .option("js.unhandled-rejections", "throw")
                .option("js.text-encoding", "true")
                .option("js.esm-eval-returns-exports", "true")
                .build();
        Context starting = context;
        AtomicBoolean late = new AtomicBoolean();
        Future<?> cut = null;
        try {
            Map<String, Object> host = new HashMap<>();
            host.put("name", name);
            host.put("wire", JsWire.codes());
            host.put("config", configJson);
            host.put("now", (ProxyExecutable) args -> System.nanoTime() / 1_000_000.0);
            host.put("log", (ProxyExecutable) args -> {
                log.line(args[0].asInt(), args[1].asString());
                return null;
            });
            host.put("random", (ProxyExecutable) args -> {
                byte[] bytes = new byte[args[0].asInt()];
                RANDOM.nextBytes(bytes);
                return JsWire.latin1(bytes);
            });
            host.put("subtle", (ProxyExecutable) SubtleCrypto::call);
            host.put("codec", (ProxyExecutable) Codec::open);
            Context self = context;
            host.put("streams", (ProxyExecutable) args -> self.eval(Bootstrap.STREAMS));
            host.put("fetch", (ProxyExecutable) args -> {
                fetch(
                        args[0].asInt(),
                        args[1].asString(),
                        args[2].asString(),
                        args[3].asString(),
                        args[4].isNull() ? new byte[0] : JsWire.bytes(args[4].asString()));
                return null;
            });
            host.put("plugs", plugs.stream().map(b -> "\"" + b + "\"").collect(Collectors.joining(",", "[", "]")));
            host.put(
                    "sockets",
                    this.sockets.values().stream()
                            .map(k -> "\"" + k.binding() + "\":\""
                                    + k.cardinality().id() + "\"")
                            .collect(Collectors.joining(",", "{", "}")));
            host.put("socket", (ProxyExecutable) args -> {
                callSocket(args[0].asInt(), args[1].asString(), args[2].asString(), JsWire.bytes(args[3].asString()));
                return null;
            });
            host.put(
                    "kvStores",
                    stores == null
                            ? "[]"
                            : stores.names().stream()
                                    .sorted()
                                    .map(n -> "\"" + n + "\"")
                                    .collect(Collectors.joining(",", "[", "]")));
            host.put("kv", (ProxyExecutable) args -> {
                kv(
                        args[0].asInt(),
                        args[1].asString(),
                        args[2].asString(),
                        args[3].asString(),
                        args[4].isNull() ? null : args[4].asString(),
                        args[5].isNull() ? null : args[5],
                        args[6].asDouble());
                return null;
            });
            host.put("plugReply", (ProxyExecutable) args -> {
                plugAnswer = args[0].asBoolean()
                        ? Result.ok(name, JsWire.bytes(args[1].asString()))
                        : Result.failed(name, args[1].asString());
                return null;
            });
            host.put("chunk", (ProxyExecutable) args -> {
                if (args[0].isNull()) {
                    streamEnd = "";
                } else {
                    chunk = JsWire.bytes(args[0]);
                }
                return null;
            });
            host.put("chunkFailed", (ProxyExecutable) args -> {
                streamEnd = args[0].asString().isEmpty() ? "the stream failed" : args[0].asString();
                return null;
            });
            host.put("waited", (ProxyExecutable) args -> {
                waited = true;
                return null;
            });
            host.put("pullBody", (ProxyExecutable) args -> {
                bodyReader.pull();
                return null;
            });
            host.put("cancelBody", (ProxyExecutable) args -> {
                bodyReader.cancel();
                return null;
            });
            host.put("streamCancelled", (ProxyExecutable) args -> {
                streamCancelled = true;
                return null;
            });
            host.put("respond", (ProxyExecutable)
                    args -> answer(args[0], args[1].asString(), args[2].asInt(), args[3], args[4].asInt()));
            bridge = context.eval(bootstrap).execute(ProxyObject.fromMap(host));
            runTimers = bridge.getMember("runTimers");
            pullChunk = bridge.getMember("pullChunk");
            waiting = bridge.getMember("waiting");
            cancelStream = bridge.getMember("cancelStream");
            settleBody = bridge.getMember("settleBody");
            dispatch = bridge.getMember("dispatch");
            dispatchModule = bridge.getMember("dispatchModule");
            pendingFetches = bridge.getMember("pendingFetches");
            callPlug = bridge.getMember("callPlug");
            // Top-level code that never ends must not hold the deploy (or a request) forever. The
            // deadline is the script's: the bootstrap before it (seconds on a cold engine) is ours.
            cut = timer.schedule(
                    () -> {
                        late.set(true);
                        starting.close(true);
                    },
                    timeoutMs,
                    TimeUnit.MILLISECONDS);
            Value result = context.eval(program.source());
            if (program.style() == JsSettings.Style.MODULE) {
                if (result == null || !result.hasMembers()) {
                    throw new IllegalArgumentException("the module's exports could not be read");
                }
                Value h = result.getMember("handler");
                if (h == null || !h.canExecute()) {
                    Value def = result.getMember("default");
                    Value fetch = def == null ? null : def.getMember("fetch");
                    if (fetch == null || !fetch.canExecute()) {
                        throw new IllegalArgumentException(
                                "the module exports neither handler(request) nor default { fetch(request) }");
                    }
                    h = context.eval("js", "(o) => (request, env, ctx) => o.fetch(request, env, ctx)")
                            .execute(def);
                }
                handler = h;
            } else {
                handler = null;
            }
        } catch (RuntimeException e) {
            context.close(true);
            if (late.get() && e instanceof PolyglotException p && p.isCancelled()) {
                throw new IllegalArgumentException(
                        "the script did not finish starting within its " + timeoutMs + " ms deadline");
            }
            throw e;
        } finally {
            if (cut != null) {
                cut.cancel(false);
            }
        }
    }

    /**
     * Gives the plugin the request and runs its timers until it answers.
     *
     * @throws TimeoutException past the deadline (the caller then closes this worker)
     */
    Response handle(Request request, String url, long deadlineNanos) throws TimeoutException, InterruptedException {
        answer = null;
        streaming = false;
        waited = false;
        long number = ++requestNumber;
        tasks.clear(); // late completions of an earlier request's fetches are not this request's
        cause = request;
        plugTrace = null;
        String headers = JsWire.headerText(request.headers());
        String body =
                request.body().isEmpty() ? null : JsWire.latin1(request.body().bytes());
        endBody();
        if (handler == null) {
            dispatch.execute(url, request.method(), headers, body);
        } else {
            boolean streamed = request.bodyStream() != null && hasBody(request);
            if (streamed) {
                bodyReader = new JsBodyReader(
                        request.bodyStream(),
                        (chunk, failure) -> tasks.add(new Task(number, () -> settleBody.execute(chunk, failure))));
            }
            dispatchModule.execute(handler, url, request.method(), headers, body, streamed);
        }
        runUntil(() -> answer != null, number, deadlineNanos, false);
        Response r = answer;
        answer = null;
        return r;
    }

    /** HTTP/1.1's rule: a request has a body when it says how long (more than nothing) or how it is framed. */
    private static boolean hasBody(Request request) {
        String length = request.headers().first("content-length");
        return length != null ? !length.equals("0") : request.headers().contains("transfer-encoding");
    }

    /** An earlier request's body, read or not, is not read further. */
    private void endBody() {
        if (bodyReader != null) {
            bodyReader.cancel();
            bodyReader = null;
        }
    }

    /** Whether the last request left {@code ctx.waitUntil} work unsettled: see {@link #finishWaits}. */
    boolean waiting() {
        return waited && waiting.execute().asInt() > 0;
    }

    /**
     * Runs the loop after the answer until the request's {@code waitUntil} promises settle, within
     * its deadline, as Workers do.
     *
     * @return whether the context may be reused: the work settled, or can never (nothing is scheduled that could settle it)
     */
    boolean finishWaits(long deadlineNanos) throws InterruptedException {
        try {
            runUntil(() -> !waiting(), requestNumber, deadlineNanos, false);
            return true;
        } catch (IllegalStateException nothingScheduled) {
            return true; // a promise nothing can settle: forgotten, as its request is over
        } catch (TimeoutException e) {
            log.line(2, "waitUntil work did not finish within the plugin's " + timeoutMs + " ms limit");
            return false;
        }
    }

    /** Whether the last answer's body is a stream still to be read with {@link #pump}. */
    boolean streaming() {
        return streaming;
    }

    /** Wakes the loop from another thread: the stream's reader asked for more, or cancelled. */
    void wake() {
        tasks.add(new Task(requestNumber, () -> {}));
    }

    /**
     * Reads the answer's stream into the sink, a chunk each time it asks, until the stream ends,
     * fails or the sink cancels; timers and fetches run meanwhile as in any request. Each chunk
     * renews the call's CPU and allocation bounds: they bound the work between two chunks.
     *
     * @return whether the context may be reused: the stream ran to its end, or its cancel settled in time
     */
    boolean pump(Sink sink, Deadlines.Running running) throws TimeoutException, InterruptedException {
        long number = requestNumber;
        long far = System.nanoTime() + TimeUnit.DAYS.toNanos(365); // the router's stream limit cancels long before
        chunk = null;
        streamEnd = null;
        boolean pulling = false; // a read was asked of the stream and has not given its chunk yet
        boolean first = true; // the head goes with a smaller first write: the client sees it sooner
        try {
            while (true) {
                if (chunk == null && streamEnd == null) {
                    runUntil(() -> sink.wanted() || sink.cancelled(), number, far, true);
                    if (sink.cancelled()) {
                        return cancel(number);
                    }
                    if (!pulling) {
                        pulling = true;
                        pullChunk.execute();
                    }
                    runUntil(() -> chunk != null || streamEnd != null || sink.cancelled(), number, far, false);
                }
                if (chunk != null) {
                    // What the stream has ready goes in one write: a producer that enqueues many
                    // chunks at once costs one flush, one that makes them over time a flush each.
                    ByteArrayOutputStream ready = new ByteArrayOutputStream(chunk.length);
                    while (chunk != null) {
                        ready.writeBytes(chunk);
                        chunk = null;
                        pulling = false;
                        if (ready.size() < (first ? FIRST_COALESCE_BYTES : COALESCE_BYTES) && streamEnd == null) {
                            pulling = true;
                            pullChunk.execute(); // settles before it returns when a chunk is queued
                        }
                    }
                    allocated(running.renew());
                    first = false;
                    sink.next(ready.toByteArray());
                    if (sink.cancelled()) {
                        return cancel(number);
                    }
                } else if (streamEnd != null) {
                    streaming = false;
                    if (streamEnd.isEmpty()) {
                        sink.complete();
                    } else {
                        sink.fail(new IllegalStateException("plugin " + name + "'s stream failed: " + streamEnd));
                    }
                    return true;
                } else {
                    return cancel(number);
                }
            }
        } finally {
            chunk = null;
            streamEnd = null;
        }
    }

    /** Most bytes of ready chunks joined into one write. */
    private static final int COALESCE_BYTES = 64 * 1024;
    /**
     * The same for the first write, which carries the head: a short stream still goes in one
     * write, a long one starts before 64 KiB are made (bench/streaming.py: 100 × 1 KiB's first
     * byte 1.98 → 0.93 ms p50 when the first chunk went alone, but 10 × 64 B lost a third).
     */
    private static final int FIRST_COALESCE_BYTES = 4 * 1024;

    /** Runs the stream's cancel, as Workers do when the client goes away; true if it settled within the plugin's time limit. */
    private boolean cancel(long number) throws InterruptedException {
        streaming = false;
        streamCancelled = false;
        try {
            cancelStream.execute();
            runUntil(
                    () -> streamCancelled, number, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs), false);
            return true;
        } catch (TimeoutException | IllegalStateException | PolyglotException e) {
            log.line(2, "the stream's cancel did not settle: " + e.getMessage());
            return false;
        }
    }

    /**
     * Calls one of the plugin's plug functions for a consumer and runs its timers until it answers.
     *
     * @throws TimeoutException past the deadline (the caller then closes this worker)
     */
    Result plug(String binding, String function, byte[] input, String traceparent, long deadlineNanos)
            throws TimeoutException, InterruptedException {
        plugAnswer = null;
        long number = ++requestNumber;
        tasks.clear();
        cause = null;
        plugTrace = traceparent;
        callPlug.execute(binding, function, JsWire.latin1(input));
        runUntil(() -> plugAnswer != null, number, deadlineNanos, false);
        Result r = plugAnswer;
        plugAnswer = null;
        return r;
    }

    /** The plugin's names of what it plugs into: each must be set up by its file's top level. */
    List<String> plugged() {
        Value list = bridge.getMember("plugged").execute();
        List<String> names = new ArrayList<>();
        for (long i = 0; i < list.getArraySize(); i++) {
            names.add(list.getArrayElement(i).asString());
        }
        return names;
    }

    /**
     * The event loop: fetch and socket completions, timers, until {@code done} or the deadline.
     * With nothing scheduled it fails, since nothing could make it done, unless it {@code mayIdle}:
     * then it waits for a task from another thread ({@link #wake}).
     */
    private void runUntil(BooleanSupplier done, long number, long deadlineNanos, boolean mayIdle)
            throws TimeoutException, InterruptedException {
        while (!done.getAsBoolean()) {
            runTasks(number);
            if (done.getAsBoolean()) {
                break;
            }
            long next = (long) Math.ceil(runTimers.execute().asDouble());
            if (done.getAsBoolean()) {
                break;
            }
            long remainingMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (remainingMs <= 0) {
                throw new TimeoutException("plugin " + name + " did not answer in time");
            }
            if (next == 0) {
                continue; // a timer ran: what it started may have set the next one
            }
            boolean fetching = pendingFetches.execute().asInt() > 0;
            if (next < 0 && !fetching && !mayIdle) {
                throw new IllegalStateException("plugin " + name + " did not answer and has nothing scheduled");
            }
            Task task = tasks.poll(
                    Math.max(1, next < 0 ? remainingMs : Math.min(next, remainingMs)), TimeUnit.MILLISECONDS);
            if (task != null && task.request() == number) {
                task.run().run();
            }
        }
    }

    private void runTasks(long number) {
        Task task;
        while ((task = tasks.poll()) != null) {
            if (task.request() == number) {
                task.run().run();
            }
        }
    }

    /** Starts a socket call (only declared sockets exist in JavaScript); settled by the loop like a fetch. */
    private void callSocket(int id, String binding, String function, byte[] input) {
        long number = requestNumber;
        Value settle = bridge.getMember("settleSocket");
        Socket socket = sockets.get(binding);
        CompletionStage<List<Result>> call = socket == null
                ? CompletableFuture.completedFuture(List.of(Result.failed(binding, "no socket " + binding)))
                : socket.call(function, input, trace());
        call.whenComplete((results, failure) -> tasks.add(new Task(number, () -> {
            List<Result> r =
                    failure != null ? List.of(Result.failed(binding, String.valueOf(failure.getMessage()))) : results;
            Object[] flat = new Object[r.size() * 3];
            for (int i = 0; i < r.size(); i++) {
                Result one = r.get(i);
                flat[3 * i] = one.provider();
                flat[3 * i + 1] = one.ok();
                flat[3 * i + 2] = one.ok() ? JsWire.latin1(one.value()) : one.error();
            }
            settle.execute(id, ProxyArray.fromArray(flat));
        })));
    }

    /**
     * Starts a key-value operation (65-kv.js gives its arguments); settled by the loop like a fetch,
     * with an error message or what the operation gives as JavaScript takes it.
     */
    private void kv(int id, String op, String storeName, String key, String a, Value b, double n) {
        long number = requestNumber;
        Value settle = bridge.getMember("settleKv");
        CompletionStage<Object> call;
        try {
            if (stores == null) { // the script checked the grant; this checks it again
                throw new KeyValueException(
                        KeyValueException.Reason.NOT_GRANTED, "plugin " + name + " is granted no store");
            }
            KeyValueStore store = stores.store(storeName);
            call = switch (op) {
                case "get" ->
                    store.get(key)
                            .thenApply(v -> v == null
                                    ? null
                                    : "text".equals(a) ? new String(v, StandardCharsets.UTF_8) : JsWire.latin1(v));
                case "put" ->
                    store.put(key, b.asInt() == 0 ? a.getBytes(StandardCharsets.UTF_8) : JsWire.bytes(a), ttl(n))
                            .thenApply(v -> null);
                case "delete" -> store.delete(key).thenApply(v -> v);
                case "increment" -> store.increment(key, whole(n, "delta")).thenApply(v -> (Object) Long.toString(v));
                case "cas" ->
                    store.compareAndSwap(key, a == null ? null : JsWire.bytes(a), JsWire.bytes(b.asString()), ttl(n))
                            .thenApply(v -> v);
                case "list" ->
                    store.list(a, (int) whole(n, "limit"), b == null ? null : b.asString())
                            .thenApply(JsWire::page);
                default -> throw new IllegalArgumentException("no key-value operation " + op);
            };
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((result, failure) -> tasks.add(new Task(number, () -> {
            if (failure != null) {
                KeyValueException refusal = GrantedStores.refusal(failure);
                settle.execute(
                        id,
                        "kv " + storeName + ": " + refusal.getMessage(),
                        refusal.reason().name());
            } else {
                settle.execute(id, null, result);
            }
        })));
    }

    private static long ttl(double seconds) {
        return whole(seconds, "expirationTtl");
    }

    private static long whole(double n, String what) {
        if (n != Math.rint(n) || Math.abs(n) > 9.007199254740991E15) {
            throw new KeyValueException(
                    KeyValueException.Reason.INVALID_ARGUMENT, what + " must be a whole number, not " + n);
        }
        return (long) n;
    }

    /** The trace the call in progress belongs to: its request's, or its plug call's; null if none. */
    private String trace() {
        return Outbound.traceOf(cause, plugTrace);
    }

    /** Starts a fetch; its completion is settled on the context's thread, by the loop. */
    private void fetch(int id, String method, String url, String headerText, byte[] body) {
        long number = requestNumber;
        Value settle = bridge.getMember("settleFetch");
        CompletionStage<Response> sent;
        try {
            sent = outbound.fetch(method, url, JsWire.headers(headerText), body, cause, plugTrace, timeoutMs);
        } catch (RuntimeException e) { // e.g. a header or method the HTTP client refuses
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((response, failure) -> tasks.add(new Task(number, () -> {
            if (failure != null) {
                Throwable cause = failure.getCause() != null && failure instanceof CompletionException
                        ? failure.getCause()
                        : failure;
                settle.execute(id, String.valueOf(cause.getMessage()), 0, "", null);
            } else {
                settle.execute(
                        id,
                        null,
                        response.status(),
                        JsWire.headerText(response.headers()),
                        response.body().isEmpty()
                                ? null
                                : JsWire.latin1(response.body().bytes()));
            }
        })));
    }

    /**
     * Takes the plugin's answer; false, taking nothing, when a field holds a NUL
     * ({@link JsWire#wellFormed}), which would split it in two on the way out.
     */
    private boolean answer(Value status, String headerText, int fields, Value body, int form) {
        if (!JsWire.wellFormed(headerText, fields)) {
            return false;
        }
        streaming = form == JsWire.STREAM;
        byte[] bytes = body.isNull() || streaming ? new byte[0] : JsWire.body(body, form);
        Headers built = JsWire.headers(headerText);
        if (!body.isNull() && form == JsWire.TEXT && !built.contains("content-type")) {
            built = built.with("content-type", "text/plain; charset=utf-8");
        }
        answer = Response.of(status.fitsInInt() ? status.asInt() : 500, built, bytes);
        return true;
    }

    /** Adds what a call allocated in this context; returns what all its calls did. */
    long allocated(long bytes) {
        allocatedBytes += bytes;
        return allocatedBytes;
    }

    /** Stops whatever runs in it, from any thread. */
    void cancel() {
        try {
            context.close(true);
        } catch (RuntimeException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        endBody();
        cancel();
    }
}
