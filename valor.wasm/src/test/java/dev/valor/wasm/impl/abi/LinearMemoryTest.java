package dev.valor.wasm.impl.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wabt.Wat2Wasm;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.WasmModule;
import org.junit.jupiter.api.Test;

/** Linear memory as a module compiled the way the runtime compiles it sees it. */
class LinearMemoryTest {

    private static final int PAGE = 65536;

    private static Instance module(String memory, String data) {
        return module(memory, data, "");
    }

    /** A module with this memory and data, functions that reach it, and any more functions. */
    private static Instance module(String memory, String data, String more) {
        WasmModule module = Parser.parse(
                Wat2Wasm.parse("(module (memory (export \"memory\") " + memory + ") " + data + more + """
                 (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
                 (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
                 (func (export "load64") (param i32) (result i64) (i64.load (local.get 0)))
                 (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
                 (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
                 (func (export "size") (result i32) (memory.size))
                 (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
                 (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2))))
                """));
        return Instance.builder(module)
                .withMachineFactory(MachineFactoryCompiler.compile(module))
                .withMemoryFactory(LinearMemory::new)
                .build();
    }

    private static long call(Instance instance, String name, long... args) {
        long[] result = instance.export(name).apply(args);
        return result == null || result.length == 0 ? 0 : result[0];
    }

    private static void assertTraps(Instance instance, String name, long... args) {
        WasmRuntimeException e = assertThrows(WasmRuntimeException.class, () -> call(instance, name, args));
        assertTrue(e.getMessage().startsWith("out of bounds memory access"), e.getMessage());
    }

    @Test
    void shouldHoldTheDataSegmentsWhereTheModulePlacesThem() {
        Instance m = module("1", "(data (i32.const 16) \"valor\")");
        assertEquals('v', call(m, "load8", 16));
        assertEquals('r', call(m, "load8", 20));
        assertEquals("valor", m.memory().readString(16, 5));
    }

    @Test
    void shouldTrapOnAnAccessThatRunsPastTheLastByte() {
        Instance m = module("1", "");
        call(m, "store", PAGE - 4, 0x01020304);
        assertEquals(0x01020304, call(m, "load", PAGE - 4));
        assertTraps(m, "load", PAGE - 3);
        assertTraps(m, "load64", PAGE - 7);
        assertTraps(m, "store", PAGE - 1, 7);
        assertTraps(m, "load8", PAGE);
        assertTraps(m, "load", 0xFFFFFFFFL);
    }

    @Test
    void shouldTrapPastTheGrownSizeThoughTheArrayHasRoomBeyondIt() {
        Instance m = module("4 16", "");
        assertEquals(4, call(m, "grow", 1));
        assertEquals(5, call(m, "size"));
        assertEquals(0, call(m, "load", 5 * PAGE - 4));
        assertTraps(m, "load", 5 * PAGE - 3);
        assertTraps(m, "load8", 5 * PAGE);
    }

    @Test
    void shouldKeepTheContentsAndShowNewPagesZeroedWhenItGrows() {
        Instance m = module("1 64", "(data (i32.const 0) \"kept\")");
        for (int i = 1; i < 64; i++) {
            call(m, "store", (long) i * PAGE - 4, i);
            assertEquals(i, call(m, "grow", 1));
            assertEquals(0, call(m, "load", (long) i * PAGE));
        }
        assertEquals(64, call(m, "size"));
        assertEquals("kept", m.memory().readString(0, 4));
        for (int i = 1; i < 64; i++) {
            assertEquals(i, call(m, "load", (long) i * PAGE - 4));
        }
    }

    @Test
    void shouldRefuseToGrowPastTheMaximumAndStayAsItWas() {
        Instance m = module("1 4", "");
        assertEquals(1, call(m, "grow", 3));
        assertEquals(-1, (int) call(m, "grow", 1));
        assertEquals(4, call(m, "size"));
        assertEquals(0, call(m, "load", 4 * PAGE - 4));
        assertTraps(m, "load8", 4 * PAGE);
    }

    @Test
    void shouldCopyOverlappingRangesAsIfThroughABuffer() {
        Instance m = module("1", "(data (i32.const 16) \"valor\")");
        call(m, "copy", 17, 16, 5);
        assertEquals("vvalor", m.memory().readString(16, 6));
        call(m, "copy", 16, 17, 5);
        assertEquals("valorr", m.memory().readString(16, 6));
        assertTraps(m, "copy", PAGE - 2, 16, 5);
    }

    @Test
    void shouldFillWithinTheMemoryAndTrapBeyondIt() {
        Instance m = module("1", "");
        call(m, "fill", 100, 'x', 3);
        assertEquals("xxx", m.memory().readString(100, 3));
        assertTraps(m, "fill", PAGE - 2, 'x', 3);
        assertEquals(0, call(m, "load8", PAGE - 2));
    }

    @Test
    void shouldTakeZeroBytesAtTheEndButTrapOneBeyondIt() {
        Instance m = module("1", "");
        call(m, "fill", PAGE, 'x', 0);
        call(m, "copy", PAGE, 0, 0);
        call(m, "copy", 0, PAGE, 0);
        assertTraps(m, "fill", PAGE + 1, 'x', 0);
        assertTraps(m, "copy", PAGE + 1, 0, 0);
        assertTraps(m, "copy", 0, PAGE + 1, 0);
    }

    @Test
    void shouldCopyAPassiveSegmentInUntilItIsDropped() {
        Instance m = module("1", "(data $active (i32.const 0) \"on\") (data $passive \"passive\")", """
                 (func (export "init") (param i32 i32 i32) (memory.init $passive (local.get 0) (local.get 1) (local.get 2)))
                 (func (export "initActive") (param i32 i32 i32) (memory.init $active (local.get 0) (local.get 1) (local.get 2)))
                 (func (export "drop") (data.drop $passive))
                """);
        call(m, "init", 100, 2, 5);
        assertEquals("ssive", m.memory().readString(100, 5));
        assertTraps(m, "init", 100, 3, 5);
        assertTraps(m, "init", PAGE - 2, 0, 5);
        assertTraps(m, "initActive", 200, 0, 1); // placed at the start, so dropped then
        call(m, "drop");
        call(m, "init", 100, 0, 0);
        assertTraps(m, "init", 100, 0, 1);
        assertEquals("on", m.memory().readString(0, 2));
    }

    @Test
    void shouldRefuseAModuleWhoseDataLiesOutsideItsMemory() {
        assertThrows(UninstantiableException.class, () -> module("1", "(data (i32.const 65534) \"four\")"));
    }
}
