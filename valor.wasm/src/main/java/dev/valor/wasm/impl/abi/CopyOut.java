package dev.valor.wasm.impl.abi;

import com.dylibso.chicory.runtime.Memory;

/** How every host function hands bytes back to a module (docs/wasm-abi.md), in one place. */
public final class CopyOut {

    private CopyOut() {}

    /**
     * Copies into (buffer, capacity) if it fits; the full length either way, so a module can ask
     * with a capacity of 0 first.
     */
    public static int copyOut(Memory memory, byte[] data, int buffer, int capacity) {
        if (data.length <= capacity) {
            memory.write(buffer, data);
        }
        return data.length;
    }
}
