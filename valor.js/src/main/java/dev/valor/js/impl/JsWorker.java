package dev.valor.js.impl;

import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.binding.Binding;
import dev.valor.api.binding.Result;
import dev.valor.api.binding.Socket;
import dev.valor.api.binding.Sockets;
import dev.valor.sandbox.internal.log.PluginLog;
import dev.valor.sandbox.internal.outbound.Outbound;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    private final Value handler; // module style: the exported handler; null for worker style
    private final String name;
    private final PluginLog log;
    private final Outbound outbound;
    private final long timeoutMs;
    /** Work for the context's thread: settling fetches. Tagged with the request they belong to. */
    private final LinkedBlockingQueue<Task> tasks = new LinkedBlockingQueue<>();

    private volatile long requestNumber;
    /** The request being handled, whose deadline and depth in-process fetches inherit; null in a plug call. */
    private Request cause;

    private Response answer;
    /** The plugin's declared sockets by binding text; empty when it declared none. */
    private final Map<String, Socket> sockets;
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
            Sockets sockets) {
        this.name = name;
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
        // Top-level code that never ends must not hold the deploy (or a request) forever.
        Context starting = context;
        java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();
        Future<?> cut = timer.schedule(
                () -> {
                    late.set(true);
                    starting.close(true);
                },
                timeoutMs,
                TimeUnit.MILLISECONDS);
        try {
            Map<String, Object> host = new HashMap<>();
            host.put("name", name);
            host.put("config", configJson);
            host.put("now", (ProxyExecutable) args -> System.nanoTime() / 1_000_000.0);
            host.put("log", (ProxyExecutable) args -> {
                log.line(args[0].asInt(), args[1].asString());
                return null;
            });
            host.put("random", (ProxyExecutable) args -> {
                byte[] bytes = new byte[args[0].asInt()];
                RANDOM.nextBytes(bytes);
                return new String(bytes, StandardCharsets.ISO_8859_1);
            });
            host.put("fetch", (ProxyExecutable) args -> {
                fetch(
                        args[0].asInt(),
                        args[1].asString(),
                        args[2].asString(),
                        args[3].asString(),
                        args[4].isNull() ? new byte[0] : args[4].asString().getBytes(StandardCharsets.ISO_8859_1));
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
                callSocket(
                        args[0].asInt(),
                        args[1].asString(),
                        args[2].asString(),
                        args[3].asString().getBytes(StandardCharsets.ISO_8859_1));
                return null;
            });
            host.put("plugReply", (ProxyExecutable) args -> {
                plugAnswer = args[0].asBoolean()
                        ? Result.ok(name, args[1].asString().getBytes(StandardCharsets.ISO_8859_1))
                        : Result.failed(name, args[1].asString());
                return null;
            });
            host.put("respond", (ProxyExecutable)
                    args -> answer(args[0], args[1].asString(), args[2].asInt(), args[3], args[4].asInt()));
            bridge = context.eval(bootstrap).execute(ProxyObject.fromMap(host));
            runTimers = bridge.getMember("runTimers");
            dispatch = bridge.getMember("dispatch");
            dispatchModule = bridge.getMember("dispatchModule");
            pendingFetches = bridge.getMember("pendingFetches");
            callPlug = bridge.getMember("callPlug");
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
                    h = context.eval("js", "(o) => (request) => o.fetch(request)")
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
            cut.cancel(false);
        }
    }

    /**
     * Gives the plugin the request and runs its timers until it answers.
     *
     * @throws TimeoutException past the deadline (the caller then closes this worker)
     */
    Response handle(Request request, String url, long deadlineNanos) throws TimeoutException, InterruptedException {
        answer = null;
        long number = ++requestNumber;
        tasks.clear(); // late completions of an earlier request's fetches are not this request's
        cause = request;
        String headers = headerText(request.headers());
        String body =
                request.body().isEmpty() ? null : new String(request.body().bytes(), StandardCharsets.ISO_8859_1);
        if (handler == null) {
            dispatch.execute(url, request.method(), headers, body);
        } else {
            dispatchModule.execute(handler, url, request.method(), headers, body);
        }
        runUntil(() -> answer != null, number, deadlineNanos);
        Response r = answer;
        answer = null;
        return r;
    }

    /**
     * Calls one of the plugin's plug functions for a consumer and runs its timers until it answers.
     *
     * @throws TimeoutException past the deadline (the caller then closes this worker)
     */
    Result plug(String binding, String function, byte[] input, long deadlineNanos)
            throws TimeoutException, InterruptedException {
        plugAnswer = null;
        long number = ++requestNumber;
        tasks.clear();
        cause = null;
        callPlug.execute(binding, function, new String(input, StandardCharsets.ISO_8859_1));
        runUntil(() -> plugAnswer != null, number, deadlineNanos);
        Result r = plugAnswer;
        plugAnswer = null;
        return r;
    }

    /** The plugin's names of what it plugs into: each must be set up by its file's top level. */
    List<String> plugged() {
        Value list = bridge.getMember("plugged").execute();
        List<String> names = new java.util.ArrayList<>();
        for (long i = 0; i < list.getArraySize(); i++) {
            names.add(list.getArrayElement(i).asString());
        }
        return names;
    }

    /** The event loop: fetch and socket completions, timers, until {@code done} or the deadline. */
    private void runUntil(java.util.function.BooleanSupplier done, long number, long deadlineNanos)
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
            boolean fetching = pendingFetches.execute().asInt() > 0;
            if (next < 0 && !fetching) {
                throw new IllegalStateException("plugin " + name + " did not answer and has nothing scheduled");
            }
            Task task = tasks.poll(
                    Math.max(1, next < 0 ? remainingMs : Math.min(next, remainingMs)),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
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
        java.util.concurrent.CompletionStage<List<Result>> call = socket == null
                ? java.util.concurrent.CompletableFuture.completedFuture(
                        List.of(Result.failed(binding, "no socket " + binding)))
                : socket.call(function, input);
        call.whenComplete((results, failure) -> tasks.add(new Task(number, () -> {
            List<Result> r =
                    failure != null ? List.of(Result.failed(binding, String.valueOf(failure.getMessage()))) : results;
            Object[] flat = new Object[r.size() * 3];
            for (int i = 0; i < r.size(); i++) {
                Result one = r.get(i);
                flat[3 * i] = one.provider();
                flat[3 * i + 1] = one.ok();
                flat[3 * i + 2] = one.ok() ? new String(one.value(), StandardCharsets.ISO_8859_1) : one.error();
            }
            settle.execute(id, ProxyArray.fromArray(flat));
        })));
    }

    /** Starts a fetch; its completion is settled on the context's thread, by the loop. */
    private void fetch(int id, String method, String url, String headerText, byte[] body) {
        long number = requestNumber;
        Value settle = bridge.getMember("settleFetch");
        java.util.concurrent.CompletionStage<Response> sent;
        try {
            sent = outbound.fetch(method, url, headers(headerText), body, cause, timeoutMs);
        } catch (RuntimeException e) { // e.g. a header or method the HTTP client refuses
            sent = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((response, failure) -> tasks.add(new Task(number, () -> {
            if (failure != null) {
                Throwable cause =
                        failure.getCause() != null && failure instanceof java.util.concurrent.CompletionException
                                ? failure.getCause()
                                : failure;
                settle.execute(id, String.valueOf(cause.getMessage()), 0, "", null);
            } else {
                settle.execute(
                        id,
                        null,
                        response.status(),
                        headerText(response.headers()),
                        response.body().isEmpty()
                                ? null
                                : new String(response.body().bytes(), StandardCharsets.ISO_8859_1));
            }
        })));
    }

    /** How an answer's body crosses: bytes one char each, or text to encode, typed by default or as given. */
    private static final int BYTES = 1;

    private static final int TEXT = 0;
    private static final int TEXT_AS_GIVEN = 2; // sent by the bootstrap: neither of the above applies

    /**
     * Takes the plugin's answer; false, taking nothing, when a field holds a NUL (the text then
     * holds more than one fewer than its fields), which would split it in two on the way out.
     */
    private boolean answer(Value status, String headerText, int fields, Value body, int form) {
        if (nuls(headerText) != Math.max(0, fields - 1)) {
            return false;
        }
        byte[] bytes = body.isNull()
                ? new byte[0]
                : form == BYTES ? body.asString().getBytes(StandardCharsets.ISO_8859_1) : utf8(body.asString());
        Headers built = headers(headerText);
        if (!body.isNull() && form == TEXT && !built.contains("content-type")) {
            built = built.with("content-type", "text/plain; charset=utf-8");
        }
        answer = Response.of(status.fitsInInt() ? status.asInt() : 500, built, bytes);
        return true;
    }

    /** UTF-8 as TextEncoder writes it: U+FFFD for a lone surrogate, where String.getBytes writes '?'. */
    static byte[] utf8(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                try {
                    java.nio.ByteBuffer out = StandardCharsets.UTF_8
                            .newEncoder()
                            .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                            .replaceWith(new byte[] {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD})
                            .encode(java.nio.CharBuffer.wrap(text));
                    byte[] bytes = new byte[out.remaining()];
                    out.get(bytes);
                    return bytes;
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new IllegalStateException(e); // REPLACE does not throw
                }
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int nuls(String text) {
        int n = 0;
        for (int i = text.indexOf('\0'); i >= 0; i = text.indexOf('\0', i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * Headers as they cross the host boundary: one string, {@code name\0value\0name\0value}, one
     * crossing instead of one per field. HTTP fields hold no NUL; the bootstrap refuses one.
     */
    static String headerText(Headers headers) {
        StringBuilder text = new StringBuilder();
        for (int i = 0, n = headers.size(); i < n; i++) {
            if (i > 0) {
                text.append('\0');
            }
            text.append(headers.name(i)).append('\0').append(headers.value(i));
        }
        return text.toString();
    }

    /** The headers of {@link #headerText}'s form. */
    static Headers headers(String text) {
        Headers.Builder headers = Headers.builder();
        int at = 0;
        while (at < text.length()) {
            int nameEnd = text.indexOf('\0', at);
            if (nameEnd < 0) {
                break; // a name without a value: not of our making
            }
            int valueEnd = text.indexOf('\0', nameEnd + 1);
            if (valueEnd < 0) {
                valueEnd = text.length();
            }
            headers.add(text.substring(at, nameEnd), text.substring(nameEnd + 1, valueEnd));
            at = valueEnd + 1;
        }
        return headers.build();
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
        cancel();
    }
}
