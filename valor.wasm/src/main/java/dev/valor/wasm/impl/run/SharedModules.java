package dev.valor.wasm.impl.run;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import dev.valor.api.plugin.PluginException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;

/**
 * Parsed and compiled modules, shared by content while a plugin version uses them: a module file
 * deployed as many plugins (or redeployed with another definition) is parsed, validated and
 * compiled once, and its compiled classes are loaded once. Parsing and validating was most of a
 * deploy's time (bench/many.py).
 */
public final class SharedModules {

    private final DirectoryCache cache;
    private final Map<String, Entry> byContent = new HashMap<>(); // guarded by this

    private static final class Entry {
        final WasmModule module;
        Function<Instance, Machine> machines; // guarded by this entry
        int users; // guarded by the SharedModules

        Entry(WasmModule module) {
            this.module = module;
        }
    }

    public SharedModules(DirectoryCache cache) {
        this.cache = cache;
    }

    /** One version's hold on a module; {@link #close} it when the version stops. */
    public final class Lease implements AutoCloseable {
        private final String content;
        private final Entry entry;
        private boolean closed;

        private Lease(String content, Entry entry) {
            this.content = content;
            this.entry = entry;
        }

        public WasmModule module() {
            return entry.module;
        }

        /** The module compiled to JVM bytecode (from the disk cache when it was compiled before). */
        public Function<Instance, Machine> machines() throws PluginException {
            synchronized (entry) {
                if (entry.machines == null) {
                    try {
                        entry.machines = MachineFactoryCompiler.builder(entry.module)
                                .withCache(cache)
                                .compile();
                    } catch (RuntimeException e) {
                        throw new PluginException("the module cannot be compiled: " + e.getMessage());
                    }
                }
                return entry.machines;
            }
        }

        @Override
        public void close() {
            synchronized (SharedModules.this) {
                if (!closed) {
                    closed = true;
                    if (--entry.users == 0) {
                        byContent.remove(content);
                    }
                }
            }
        }
    }

    /**
     * Largest module accepted, in bytes, and most functions: compiling is the deploy's cost and the
     * compiled classes stay in memory (a 14 MB module kept 640 MB of heap, 400k functions took 20 s).
     * The examples are 1-80 KB with at most a few hundred functions.
     */
    public static final int MAX_MODULE_BYTES = 8 * 1024 * 1024;

    public static final int MAX_FUNCTIONS = 50_000;

    /** Refuses a module of this many bytes if it is too large to take; callers check a file's size before reading it. */
    public static void checkSize(long bytes) throws PluginException {
        if (bytes > MAX_MODULE_BYTES) {
            throw new PluginException(
                    "the module is " + bytes / 1024 + " KiB, more than " + MAX_MODULE_BYTES / 1024 / 1024 + " MiB");
        }
    }

    /** The parsed, validated module of these bytes. */
    public Lease lease(byte[] bytes) throws PluginException {
        checkSize(bytes.length);
        String content = sha256(bytes);
        synchronized (this) {
            Entry e = byContent.get(content);
            if (e != null) {
                e.users++;
                return new Lease(content, e);
            }
        }
        WasmModule module;
        try {
            module = Parser.parse(bytes);
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new PluginException("not a valid WebAssembly module: " + e.getMessage());
        }
        int functions = module.functionSection().functionCount();
        if (functions > MAX_FUNCTIONS) {
            throw new PluginException("the module defines " + functions + " functions, more than " + MAX_FUNCTIONS);
        }
        synchronized (this) {
            Entry e = byContent.computeIfAbsent(content, c -> new Entry(module));
            e.users++;
            return new Lease(content, e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
