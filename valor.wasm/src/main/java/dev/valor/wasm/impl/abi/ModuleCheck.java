package dev.valor.wasm.impl.abi;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.dylibso.chicory.wasm.types.ValType;
import dev.valor.api.plugin.PluginException;
import dev.valor.wasm.impl.WasmSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What a module is and whether it may run: its ABI, its imports against what is granted, its memory. */
public final class ModuleCheck {

    /** The reactor ABI's exports and imports. */
    public static final String ALLOC = "valor_alloc";

    public static final String HANDLE = "valor_handle";
    public static final String INIT = "valor_init";
    public static final String HOST_MODULE = "valor";
    /** WAGI's dynamic routes export. */
    public static final String ROUTES = "_routes";

    public static final String WASI = "wasi_snapshot_preview1";
    /** A WASI reactor's initialiser, called once per instance before anything else. */
    public static final String WASI_INITIALIZE = "_initialize";

    /** A socket function's and a plug function's type: bytes in (pointer, length), a status or handle out. */
    public static final FunctionType SOCKET_CALL =
            FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32));

    private ModuleCheck() {}

    public static Set<String> exports(WasmModule module) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            names.add(module.exportSection().getExport(i).name());
        }
        return names;
    }

    /** The ABI the definition forces, or the one the exports show. */
    public static WasmSettings.Abi abi(WasmModule module, WasmSettings settings) throws PluginException {
        Set<String> exports = exports(module);
        WasmSettings.Abi abi = settings.abi();
        if (abi == null) {
            if (exports.contains(HANDLE)) {
                abi = WasmSettings.Abi.REACTOR;
            } else if (exports.contains(settings.entrypoint()) || exports.contains(ROUTES)) {
                abi = WasmSettings.Abi.WAGI;
            } else {
                throw new PluginException("neither a Valor reactor module (no " + HANDLE
                        + " export) nor a WAGI module (no " + settings.entrypoint() + " export)");
            }
        }
        List<String> missing = new ArrayList<>();
        if (abi == WasmSettings.Abi.REACTOR) {
            for (String required : List.of(ALLOC, HANDLE)) {
                if (!exports.contains(required)) {
                    missing.add(required);
                }
            }
        } else if (!exports.contains(settings.entrypoint()) && !exports.contains(ROUTES)) {
            missing.add(settings.entrypoint());
        }
        if (!exports.contains("memory")) {
            missing.add("memory");
        }
        if (!missing.isEmpty()) {
            throw new PluginException(
                    "a " + abi.name().toLowerCase(Locale.ROOT) + " module must export " + String.join(", ", missing));
        }
        return abi;
    }

    /**
     * Refuses a module that imports anything its capabilities do not grant, naming all of it:
     * {@code hostFunctions} are the reactor ABI's own, {@code grantedFunctions} those its
     * capabilities add for either ABI (the key-value functions). A
     * socket's functions are granted when the definition declares the socket: import module
     * {@code name@major}, type {@code (i32, i32) -> i32}.
     */
    public static void imports(
            WasmModule module,
            WasmSettings.Abi abi,
            Set<String> wasiFunctions,
            Map<String, FunctionType> hostFunctions,
            Map<String, FunctionType> grantedFunctions,
            Set<String> sockets)
            throws PluginException {
        Set<String> refused = new TreeSet<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            String name = imp.module() + "." + imp.name();
            boolean function = imp.importType() == ExternalType.FUNCTION;
            if (function && abi == WasmSettings.Abi.REACTOR && sockets.contains(imp.module())) {
                FunctionType type = module.typeSection().getType(((FunctionImport) imp).typeIndex());
                if (!type.equals(SOCKET_CALL)) {
                    throw new PluginException(
                            "the socket function " + name + " must have the type (i32, i32) -> i32, not " + type);
                }
                continue;
            }
            Map<String, FunctionType> valor = abi == WasmSettings.Abi.REACTOR && hostFunctions.containsKey(imp.name())
                    ? hostFunctions
                    : grantedFunctions;
            if (function && HOST_MODULE.equals(imp.module()) && valor.containsKey(imp.name())) {
                FunctionType type = module.typeSection().getType(((FunctionImport) imp).typeIndex());
                if (!type.equals(valor.get(imp.name()))) {
                    throw new PluginException(
                            "the host function " + name + " has the type " + valor.get(imp.name()) + ", not " + type);
                }
                continue;
            }
            boolean granted = function && WASI.equals(imp.module()) && wasiFunctions.contains(imp.name());
            if (!granted) {
                refused.add(name
                        + (imp instanceof MemoryImport ? " (memory)" : function ? "" : " (" + imp.importType() + ")"));
            }
        }
        if (!refused.isEmpty()) {
            boolean kv = refused.stream().anyMatch(r -> r.startsWith(HOST_MODULE + ".kv_"));
            throw new PluginException("the module imports what its capabilities do not grant: "
                    + String.join(", ", refused)
                    + (kv ? " (the key-value functions need a store granted in capabilities.kv)" : ""));
        }
    }

    /**
     * The functions a module provides for a binding it plugs into: exports named
     * {@code name@major.function} of the plug type. One at least, or the plug is refused.
     *
     * @return function name to export name
     */
    public static Map<String, String> plugFunctions(WasmModule module, String binding) throws PluginException {
        Map<String, String> functions = new TreeMap<>();
        String prefix = binding + ".";
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            var export = module.exportSection().getExport(i);
            if (export.name().startsWith(prefix)
                    && export.name().length() > prefix.length()
                    && export.exportType() == ExternalType.FUNCTION) {
                FunctionType type = functionType(module, export.index());
                if (!type.equals(SOCKET_CALL)) {
                    throw new PluginException("the plug function " + export.name()
                            + " must have the type (i32, i32) -> i32, not " + type);
                }
                functions.put(export.name().substring(prefix.length()), export.name());
            }
        }
        if (functions.isEmpty()) {
            throw new PluginException(
                    "it plugs into " + binding + " but exports no function of it (name them " + binding + ".FUNCTION)");
        }
        return functions;
    }

    private static FunctionType functionType(WasmModule module, int index) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        if (index < imported) {
            int seen = 0;
            for (int i = 0; i < module.importSection().importCount(); i++) {
                Import imp = module.importSection().getImport(i);
                if (imp.importType() == ExternalType.FUNCTION && seen++ == index) {
                    return module.typeSection().getType(((FunctionImport) imp).typeIndex());
                }
            }
        }
        return module.functionSection().getFunctionType(index - imported, module.typeSection());
    }

    /** What an instance may hold: linear memory's pages at start and at most. */
    public record Footprint(int initialPages, int maxPages) {}

    /** Heap a table element costs an instance: Chicory keeps a reference index and its instance. */
    static final long TABLE_ELEMENT_BYTES = 8;

    private static final long PAGE_BYTES = 64 * 1024;

    /**
     * The module's tables and memory must fit its memory limit together: a table lives on the
     * heap, not in linear memory, and a 351-byte module can declare 2 GiB of them. Each table
     * counts at the size it may grow to (Chicory's cap where it declares none); linear memory
     * gets what is left.
     */
    public static Footprint memory(WasmModule module, WasmSettings settings) throws PluginException {
        long limitBytes = settings.memoryPages() * PAGE_BYTES;
        long tableBytes = 0;
        for (int i = 0; i < module.tableSection().tableCount(); i++) {
            TableLimits limits = module.tableSection().getTable(i).limits();
            tableBytes += Math.min(limits.max(), TableLimits.LIMIT_MAX) * TABLE_ELEMENT_BYTES;
        }
        if (tableBytes > limitBytes) {
            throw new PluginException("the module's tables may hold " + mib(tableBytes) + " MiB ("
                    + module.tableSection().tableCount()
                    + " tables, counted at their maximum size), more than its limit of "
                    + settings.memoryPages() / 16 + " MiB; declare smaller maximum sizes or raise limits.memory_mb");
        }
        int maxPages = (int) ((limitBytes - tableBytes) / PAGE_BYTES);
        if (module.memorySection().isEmpty() || module.memorySection().get().memoryCount() == 0) {
            return new Footprint(0, maxPages);
        }
        int initial = module.memorySection().get().getMemory(0).limits().initialPages();
        if (initial > maxPages) {
            throw new PluginException("the module declares " + initial / 16 + " MiB of memory at start ("
                    + initial + " pages)" + (tableBytes > 0 ? " and " + mib(tableBytes) + " MiB of tables" : "")
                    + ", more than its limit of " + settings.memoryPages() / 16 + " MiB");
        }
        return new Footprint(initial, maxPages);
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
