package dev.valor.wasm.impl.reactor;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasm.ChicoryException;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.binding.Binding;
import dev.valor.api.binding.Result;
import dev.valor.api.binding.Socket;
import dev.valor.api.binding.Sockets;
import dev.valor.api.plugin.PluginException;
import dev.valor.sandbox.internal.Conduct;
import dev.valor.sandbox.internal.Deadlines;
import dev.valor.sandbox.internal.Excused;
import dev.valor.sandbox.internal.Pool;
import dev.valor.sandbox.internal.log.PluginLog;
import dev.valor.sandbox.internal.outbound.Outbound;
import dev.valor.wasm.impl.WasmSettings;
import dev.valor.wasm.impl.abi.Heads;
import dev.valor.wasm.impl.abi.ModuleCheck;
import dev.valor.wasm.impl.abi.WasmRuntime;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A module on Valor's reactor ABI (docs/wasm-abi.md): long-lived instances in a pool, each
 * initialised once with the plugin's config and keeping its state across requests. An instance
 * that traps or is interrupted is dropped, never reused.
 */
public final class ReactorPlugin implements Vlugin, AutoCloseable {

    private static final byte[] NO_CONFIG = new byte[0];

    private final String name;
    private final PluginLog log;
    /** Host functions its capabilities grant (the key-value ones), given to every instance. */
    private final HostFunction[] granted;

    private final WasmRuntime runtime;
    private final WasmSettings settings;
    private final byte[] config;
    private final Deadlines deadlines;
    private final Outbound outbound;
    private final Pool<Slot> pool;
    private final Sockets sockets;
    private final Conduct conduct = new Conduct();
    private final Deadlines.Bounds requestBounds;

    /** One instance and its host module, which holds what the call in progress answers and fetches. */
    private static final class Slot {
        Instance instance;
        ExportFunction alloc;
        ExportFunction handle;
        ValorHost host;
    }

    /**
     * Makes the first instance now, so a module that cannot be instantiated or initialised is
     * refused at deploy.
     *
     * @param config the plugin's config as the module receives it: a JSON string's text, any other value's JSON
     */
    public ReactorPlugin(
            String name,
            WasmRuntime runtime,
            WasmSettings settings,
            String config,
            Deadlines deadlines,
            Outbound outbound,
            Sockets sockets,
            PluginLog log,
            HostFunction[] granted)
            throws PluginException {
        this.name = name;
        this.log = log;
        this.granted = granted;
        this.sockets = sockets;
        this.runtime = runtime;
        this.settings = settings;
        this.config = config == null ? NO_CONFIG : config.getBytes(StandardCharsets.UTF_8);
        this.deadlines = deadlines;
        this.outbound = outbound;
        this.pool = new Pool<>(settings.instances(), "instances", slot -> {});
        this.requestBounds = new Deadlines.Bounds("plugin " + name, settings.timeoutMs(), 0, conduct);
        Slot first;
        try {
            first = deadlines.await(this::newSlot, settings.timeoutMs());
        } catch (TimeoutException e) {
            throw new PluginException("the module did not start within its " + settings.timeoutMs() + " ms deadline");
        } catch (ExecutionException e) {
            throw new PluginException("the module cannot start: " + describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("interrupted while the module started");
        }
        pool.warm(first);
    }

    /** Its instances, for the metrics. */
    public Pool<?> pool() {
        return pool;
    }

    @Override
    public CompletionStage<Response> handle(Request request) {
        try {
            // On the server's thread when an instance is idle: no hand-off. Instances are made on a
            // worker, under the call's deadline.
            return deadlines.withInstance(
                    pool, this::newSlot, (slot, running) -> call(slot, request), requestBounds, true);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Response.text(503, deadlines.busy()));
        }
    }

    private Response call(Slot slot, Request request) throws Exception {
        boolean healthy = false;
        try {
            Response response = exchange(slot, request);
            healthy = true;
            return response;
        } finally {
            if (healthy) {
                pool.put(slot);
            } else {
                pool.drop(slot); // trapped, interrupted or failed: its state is not to be trusted
            }
        }
    }

    /**
     * Calls a plug function, {@code name@major.function}, for a consumer: on the consumer's own
     * worker when it is a wasm plugin (no hand-off), else on a worker of ours; under this plugin's
     * deadline either way. The stage fails with this provider's error.
     */
    public CompletionStage<byte[]> plug(String export, byte[] input, String traceparent) {
        String what = "plugin " + name + " (" + export + ")";
        if (deadlines.onWorker()) {
            try {
                return CompletableFuture.completedFuture(
                        deadlines.inline(() -> plugCall(export, input, traceparent), settings.timeoutMs(), what));
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        try {
            return deadlines.submit(
                    running -> plugCall(export, input, traceparent),
                    new Deadlines.Bounds(what, settings.timeoutMs(), 0, conduct));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException(deadlines.busy()));
        }
    }

    private byte[] plugCall(String export, byte[] input, String traceparent) throws Exception {
        Slot slot = pool.take(settings.timeoutMs(), TimeUnit.MILLISECONDS, this::newSlot);
        boolean healthy = false;
        try {
            int ptr = input.length == 0 ? 0 : alloc(slot, input.length);
            if (input.length > 0) {
                slot.instance.memory().write(ptr, input);
            }
            slot.host.begin(null, traceparent);
            long rc;
            byte[] reply;
            try {
                rc = slot.instance.export(export).apply(ptr, input.length)[0];
                reply = slot.host.reply();
            } finally {
                slot.host.end();
            }
            healthy = true; // an error it returns is an answer; the instance is fine
            if (rc != 0) {
                throw new PlugError(
                        reply == null || reply.length == 0
                                ? export + " returned " + rc
                                : new String(reply, StandardCharsets.UTF_8));
            }
            return reply == null ? new byte[0] : reply;
        } catch (PlugError e) {
            throw e;
        } catch (ChicoryException | StackOverflowError e) {
            throw new PlugError(describe(e));
        } finally {
            if (healthy) {
                pool.put(slot);
            } else {
                pool.drop(slot);
            }
        }
    }

    /** A plug function's error: what the consumer sees as this provider's result. */
    static final class PlugError extends RuntimeException implements Excused {
        PlugError(String message) {
            super(message, null, false, false);
        }
    }

    private Response exchange(Slot slot, Request request) throws Exception {
        Memory memory = slot.instance.memory();
        byte[] head = Heads.request(request);
        int headPtr = alloc(slot, head.length);
        memory.write(headPtr, head);
        int bodyLength = request.body().length();
        int bodyPtr = 0;
        if (bodyLength > 0) {
            bodyPtr = alloc(slot, bodyLength);
            request.body().writeTo(new MemoryOutput(memory, bodyPtr));
        }
        slot.host.begin(request, null);
        long rc;
        Response response;
        try {
            rc = slot.handle.apply(headPtr, head.length, bodyPtr, bodyLength)[0];
            response = slot.host.response();
        } finally {
            slot.host.end(); // fetched answers and socket results live for one request
        }
        if (rc != 0) {
            throw new IllegalStateException(ModuleCheck.HANDLE + " returned " + rc);
        }
        if (response == null) {
            throw new IllegalStateException(ModuleCheck.HANDLE + " returned without calling valor.respond");
        }
        return response;
    }

    private static int alloc(Slot slot, int length) {
        int ptr = (int) slot.alloc.apply(length)[0];
        if (ptr == 0 && length > 0) {
            throw new IllegalStateException(ModuleCheck.ALLOC + "(" + length + ") returned 0");
        }
        return ptr;
    }

    private Slot newSlot() {
        Slot slot = new Slot();
        WasiOptions.Builder wasi = WasiOptions.builder()
                .withStdin(new ByteArrayInputStream(new byte[0]))
                .withStdout(log.lines("stdout"))
                .withStderr(log.lines("stderr"))
                .withArguments(List.of(name));
        settings.env().forEach(wasi::withEnvironment);
        settings.files().forEach(wasi::withDirectory); // read-only: see WasmRuntime
        slot.host = new ValorHost(log, outbound, settings.timeoutMs());
        ImportValues.Builder imports =
                ImportValues.builder().addFunction(slot.host.toHostFunctions()).addFunction(granted);
        addSockets(imports, slot);
        Instance instance = runtime.instantiate(wasi.build(), imports);
        slot.instance = instance;
        if (ModuleCheck.exports(runtime.module()).contains(ModuleCheck.WASI_INITIALIZE)) {
            instance.export(ModuleCheck.WASI_INITIALIZE).apply(); // a WASI reactor's constructors (wasi-libc)
        }
        slot.alloc = instance.export(ModuleCheck.ALLOC);
        slot.handle = instance.export(ModuleCheck.HANDLE);
        if (ModuleCheck.exports(runtime.module()).contains(ModuleCheck.INIT)) {
            int ptr = config.length == 0 ? 0 : alloc(slot, config.length);
            if (config.length > 0) {
                instance.memory().write(ptr, config);
            }
            long rc = instance.export(ModuleCheck.INIT).apply(ptr, config.length)[0];
            if (rc != 0) {
                throw new IllegalStateException(ModuleCheck.INIT + " returned " + rc);
            }
        }
        return slot;
    }

    /** The socket functions the module imports: one per function of each declared socket it calls. */
    private void addSockets(ImportValues.Builder imports, Slot slot) {
        if (sockets == null) {
            return;
        }
        for (int i = 0; i < runtime.module().importSection().importCount(); i++) {
            var imp = runtime.module().importSection().getImport(i);
            Socket socket;
            try {
                socket = sockets.socket(Binding.parse(imp.module()));
            } catch (IllegalArgumentException e) {
                continue; // not a binding: valor or WASI
            }
            if (socket == null) {
                continue;
            }
            String function = imp.name();
            imports.addFunction(new HostFunction(imp.module(), function, ModuleCheck.SOCKET_CALL, (instance, args) -> {
                byte[] input = instance.memory().readBytes((int) args[0], (int) args[1]);
                List<Result> results;
                try {
                    results = socket.call(function, input, slot.host.trace())
                            .toCompletableFuture()
                            .get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while calling " + imp.module() + "." + function, e);
                } catch (ExecutionException e) {
                    results = List.of(Result.failed("?", describe(e.getCause())));
                }
                return new long[] {slot.host.keep(results)};
            }));
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @Override
    public void close() {
        pool.close();
    }

    /** Writes a body straight into the module's memory: the one copy it crosses the boundary with. */
    private static final class MemoryOutput extends OutputStream {
        private final Memory memory;
        private int at;

        MemoryOutput(Memory memory, int at) {
            this.memory = memory;
            this.at = at;
        }

        @Override
        public void write(int b) {
            memory.write(at++, new byte[] {(byte) b});
        }

        @Override
        public void write(byte[] b, int off, int len) {
            memory.write(at, b, off, len);
            at += len;
        }
    }
}
