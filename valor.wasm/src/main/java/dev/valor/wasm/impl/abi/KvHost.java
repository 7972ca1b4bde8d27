package dev.valor.wasm.impl.abi;

import static dev.valor.wasm.impl.abi.CopyOut.copyOut;

import com.dylibso.chicory.annotations.HostModule;
import com.dylibso.chicory.annotations.WasmExport;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import dev.valor.api.kv.KeyValueException;
import dev.valor.api.kv.KeyValueStore;
import dev.valor.sandbox.internal.kv.GrantedStores;
import dev.valor.sandbox.internal.log.PluginLog;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The key-value imports of module {@code valor} (docs/wasm-abi.md), for reactor and WAGI modules
 * alike, granted only with {@code capabilities.kv}. A store, key or value is (pointer, length) in
 * the module's memory; what comes back is copied into (buffer, capacity) when it fits, its full
 * length returned either way. A refusal is a negative code ({@code valor.h}: {@code VALOR_KV_...})
 * and a line in the plugin's log saying why. One object per plugin: it keeps nothing per call.
 */
@HostModule("valor")
public final class KvHost {

    /** {@code kv_get}: no such key. */
    public static final int ABSENT = -1;

    /** The code of each refusal: -2 and down, in the order of {@link KeyValueException.Reason}. */
    public static int code(KeyValueException.Reason reason) {
        return -2 - reason.ordinal();
    }

    /** Every function with its type: what a granted module may import. */
    public static final Map<String, FunctionType> FUNCTIONS = functions();

    private final GrantedStores stores;
    private final PluginLog log;
    private final long timeoutMs;

    public KvHost(GrantedStores stores, PluginLog log, long timeoutMs) {
        this.stores = stores;
        this.log = log;
        this.timeoutMs = timeoutMs;
    }

    public HostFunction[] toHostFunctions() {
        return KvHost_ModuleFactory.toHostFunctions(this);
    }

    private static Map<String, FunctionType> functions() {
        Map<String, FunctionType> all = new LinkedHashMap<>();
        for (HostFunction f : new KvHost(null, null, 0).toHostFunctions()) {
            all.put(f.name(), f.functionType());
        }
        return Map.copyOf(all);
    }

    @FunctionalInterface
    private interface Op {
        int run(KeyValueStore store) throws InterruptedException;
    }

    private int call(Memory memory, int store, int storeLength, Op op) {
        try {
            return op.run(stores.store(text(memory, store, storeLength)));
        } catch (KeyValueException e) {
            log.line(2, "kv: " + e.getMessage());
            return code(e.reason());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the store", e);
        }
    }

    private static String text(Memory memory, int ptr, int length) {
        return new String(memory.readBytes(ptr, length), StandardCharsets.UTF_8);
    }

    private <T> T await(CompletionStage<T> stage) throws InterruptedException {
        return GrantedStores.await(stage, timeoutMs);
    }

    @WasmExport
    public int kvGet(Memory memory, int store, int storeLength, int key, int keyLength, int buffer, int capacity) {
        String k = text(memory, key, keyLength);
        return call(memory, store, storeLength, s -> {
            byte[] value = await(s.get(k));
            return value == null ? ABSENT : copyOut(memory, value, buffer, capacity);
        });
    }

    @WasmExport
    public int kvPut(
            Memory memory, int store, int storeLength, int key, int keyLength, int value, int valueLength, long ttl) {
        String k = text(memory, key, keyLength);
        byte[] v = memory.readBytes(value, valueLength);
        return call(memory, store, storeLength, s -> {
            await(s.put(k, v, ttl));
            return 0;
        });
    }

    @WasmExport
    public int kvDelete(Memory memory, int store, int storeLength, int key, int keyLength) {
        String k = text(memory, key, keyLength);
        return call(memory, store, storeLength, s -> await(s.delete(k)) ? 1 : 0);
    }

    /** Writes the new value at {@code out} as a little-endian i64. */
    @WasmExport
    public int kvIncrement(Memory memory, int store, int storeLength, int key, int keyLength, long delta, int out) {
        String k = text(memory, key, keyLength);
        return call(memory, store, storeLength, s -> {
            memory.writeLong(out, await(s.increment(k, delta)));
            return 0;
        });
    }

    /** {@code expectedLength} -1: swap only if the key is absent. 1 if swapped, 0 if not. */
    @WasmExport
    public int kvCas(
            Memory memory,
            int store,
            int storeLength,
            int key,
            int keyLength,
            int expected,
            int expectedLength,
            int value,
            int valueLength,
            long ttl) {
        String k = text(memory, key, keyLength);
        byte[] e = expectedLength < 0 ? null : memory.readBytes(expected, expectedLength);
        byte[] v = memory.readBytes(value, valueLength);
        return call(memory, store, storeLength, s -> await(s.compareAndSwap(k, e, v, ttl)) ? 1 : 0);
    }

    /**
     * A page of keys, encoded little-endian: u32 count, u32 cursor length, the cursor (empty on the
     * last page), then per key u32 length, its UTF-8, i64 expiration (epoch seconds, 0 for none).
     */
    @WasmExport
    public int kvList(
            Memory memory,
            int store,
            int storeLength,
            int prefix,
            int prefixLength,
            int cursor,
            int cursorLength,
            int limit,
            int buffer,
            int capacity) {
        String p = text(memory, prefix, prefixLength);
        String c = cursorLength == 0 ? null : text(memory, cursor, cursorLength);
        return call(
                memory, store, storeLength, s -> copyOut(memory, encode(await(s.list(p, limit, c))), buffer, capacity));
    }

    static byte[] encode(KeyValueStore.Page page) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        byte[] cursor = page.cursor() == null ? new byte[0] : page.cursor().getBytes(StandardCharsets.UTF_8);
        out.write(b.putInt(0, page.keys().size()).array(), 0, 4);
        out.write(b.putInt(0, cursor.length).array(), 0, 4);
        out.writeBytes(cursor);
        for (KeyValueStore.Key key : page.keys()) {
            byte[] name = key.name().getBytes(StandardCharsets.UTF_8);
            out.write(b.putInt(0, name.length).array(), 0, 4);
            out.writeBytes(name);
            out.write(b.putLong(0, key.expiration()).array(), 0, 8);
        }
        return out.toByteArray();
    }
}
