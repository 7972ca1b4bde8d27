package dev.valor.wasm.impl.abi;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.function.Function;

/**
 * One compiled module and how to make instances of it: the compiled machine factory (made once,
 * shared by every instance), the memory limit, and the WASI a module is granted.
 */
public final class WasmRuntime {

    private final WasmModule module;
    private final Function<Instance, Machine> machines;
    private final MemoryLimits memory;

    public WasmRuntime(WasmModule module, Function<Instance, Machine> machines, ModuleCheck.Footprint footprint) {
        this.module = module;
        this.machines = machines;
        int declaredMax = module.memorySection().isPresent()
                        && module.memorySection().get().memoryCount() > 0
                ? module.memorySection().get().getMemory(0).limits().maximumPages()
                : MemoryLimits.MAX_PAGES;
        // Chicory replaces the declared limits with these: keep the declared start, cap the growth.
        this.memory = new MemoryLimits(footprint.initialPages(), Math.min(declaredMax, footprint.maxPages()));
    }

    public WasmModule module() {
        return module;
    }

    /**
     * A new instance, not yet started, with WASI on these options plus the given host functions.
     * File access is read-only, whatever folders the options grant.
     */
    public Instance instantiate(WasiOptions wasiOptions, ImportValues.Builder imports) {
        WasiPreview1 wasi = WasiPreview1.builder().withOptions(wasiOptions).build();
        imports.addFunction(ReadOnlyFiles.wrap(wasi.toHostFunctions(), wasiOptions.directories())
                .toArray(new HostFunction[0]));
        return Instance.builder(module)
                .withImportValues(imports.build())
                .withMachineFactory(machines)
                .withMemoryLimits(memory)
                .withMemoryFactory(LinearMemory::new)
                .withStart(false)
                .build();
    }
}
