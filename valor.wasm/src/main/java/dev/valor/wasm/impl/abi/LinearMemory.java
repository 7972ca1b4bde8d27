package dev.valor.wasm.impl.abi;

import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A module's linear memory in one {@code byte[]}. Chicory's {@code ByteArrayMemory} splits memory
 * into 64 KiB pages, so every load and store indexes a page table, loads the page and checks twice,
 * which in a tight loop costs more than the work: SHA-256 of 1 MiB on one core 68 -> 95-98 req/s
 * (docs/benchmarks.md, issue 23). Here an access is one check against the memory's size and the array's own. The array
 * grows by at least half again, so a module growing a page at a time copies its memory a few times
 * in all, not once a page; the bytes past the size stay zero, as a grow must show them.
 *
 * <p>Not shared: an instance runs on one thread at a time, so atomics lock on the memory itself
 * and waiting is refused, as on any non-shared memory.
 */
public final class LinearMemory implements Memory {

    private static final VarHandle SHORT = view(short[].class);
    private static final VarHandle INT = view(int[].class);
    private static final VarHandle LONG = view(long[].class);
    private static final VarHandle FLOAT = view(float[].class);
    private static final VarHandle DOUBLE = view(double[].class);

    private final MemoryLimits limits;
    private byte[] bytes;
    /** The memory's size in bytes, pages times 64 KiB; {@code bytes} may be longer. */
    private int size;

    private DataSegment[] segments;

    public LinearMemory(MemoryLimits limits) {
        if (limits.shared()) {
            throw new ChicoryException("shared memory is not supported");
        }
        if (limits.initialPages() > RUNTIME_MAX_PAGES) {
            throw new ChicoryException(
                    "memory of " + limits.initialPages() + " pages is more than " + RUNTIME_MAX_PAGES + " pages");
        }
        this.limits = limits;
        this.size = Memory.bytes(limits.initialPages());
        this.bytes = new byte[size];
    }

    private static VarHandle view(Class<?> type) {
        return MethodHandles.byteArrayViewVarHandle(type, ByteOrder.LITTLE_ENDIAN);
    }

    private WasmRuntimeException outOfBounds(int addr, int length) {
        return new WasmRuntimeException("out of bounds memory access: attempted to access address: "
                + Integer.toUnsignedString(addr) + " but limit is: " + size + " and size: " + length);
    }

    /** A fixed-width access: one comparison the JIT keeps beside the load. */
    private void at(int addr, int width) {
        if (addr < 0 || addr > size - width) {
            throw outOfBounds(addr, width);
        }
    }

    private void check(int addr, int length) {
        if (addr < 0 || length < 0 || addr > size - length) {
            throw outOfBounds(addr, length);
        }
    }

    @Override
    public int pages() {
        return size / PAGE_SIZE;
    }

    @Override
    public int grow(int delta) {
        int before = pages();
        long after = (long) before + delta;
        if (delta < 0 || after > maximumPages()) {
            return -1;
        }
        int grown = Memory.bytes((int) after);
        if (grown > bytes.length) {
            long roomy = Math.max(grown, bytes.length + (long) bytes.length / 2);
            try {
                bytes = Arrays.copyOf(bytes, (int) Math.min(roomy, Memory.bytes(maximumPages())));
            } catch (OutOfMemoryError tooRoomy) {
                // Old and new live together while copying; a heap that holds neither room fails
                // the grow, as wasm lets it, rather than the plugin with an Error.
                try {
                    bytes = Arrays.copyOf(bytes, grown);
                } catch (OutOfMemoryError e) {
                    return -1;
                }
            }
        }
        size = grown;
        return before;
    }

    @Override
    public int initialPages() {
        return limits.initialPages();
    }

    @Override
    public int maximumPages() {
        return Math.min(limits.maximumPages(), RUNTIME_MAX_PAGES);
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    @SuppressWarnings("removal")
    public Object lock(int address) {
        return this;
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, int expected, long timeout) {
        throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, long expected, long timeout) {
        throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
    }

    @Override
    @SuppressWarnings("removal")
    public int notify(int address, int maxThreads) {
        return 0;
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments) {
        initialize(instance, dataSegments, 0);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
        this.segments = dataSegments;
        if (dataSegments == null) {
            return;
        }
        for (int i = 0; i < dataSegments.length; i++) {
            DataSegment s = dataSegments[i];
            if (s instanceof ActiveDataSegment && ((ActiveDataSegment) s).index() == memoryIndex) {
                ActiveDataSegment segment = (ActiveDataSegment) s;
                int offset = (int) ConstantEvaluators.computeConstantValue(instance, segment.offsetInstructions())[0];
                byte[] data = segment.data();
                if (offset < 0 || offset > size - data.length) {
                    throw new UninstantiableException("out of bounds memory access: data segment at "
                            + Integer.toUnsignedString(offset) + " of " + data.length + " bytes, memory "
                            + size);
                }
                System.arraycopy(data, 0, bytes, offset, data.length);
                dataSegments[i] = PassiveDataSegment.EMPTY; // an active segment is dropped once placed
            } else if (!(s instanceof ActiveDataSegment) && !(s instanceof PassiveDataSegment)) {
                throw new ChicoryException("Data segment should be active or passive: " + s);
            }
        }
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int length) {
        write(dest, segments[segmentId].data(), offset, length);
    }

    @Override
    public void drop(int segment) {
        segments[segment] = PassiveDataSegment.EMPTY;
    }

    @Override
    public void write(int addr, byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset > data.length - length) {
            // the source is a data segment (memory.init) or the host's bytes
            throw new WasmRuntimeException("out of bounds memory access: " + length + " bytes from " + offset
                    + " of a source of " + data.length);
        }
        check(addr, length);
        System.arraycopy(data, offset, bytes, addr, length);
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        check(addr, len);
        return Arrays.copyOfRange(bytes, addr, addr + len);
    }

    @Override
    public void copy(int dest, int src, int length) {
        check(dest, length);
        check(src, length);
        System.arraycopy(bytes, src, bytes, dest, length); // overlapping ranges copy as memmove does
    }

    @Override
    public void zero() {
        Arrays.fill(bytes, 0, size, (byte) 0);
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        check(fromIndex, toIndex - fromIndex);
        Arrays.fill(bytes, fromIndex, toIndex, value);
    }

    @Override
    public byte read(int addr) {
        at(addr, 1);
        return bytes[addr];
    }

    @Override
    public void writeByte(int addr, byte data) {
        at(addr, 1);
        bytes[addr] = data;
    }

    @Override
    public short readShort(int addr) {
        at(addr, 2);
        return (short) SHORT.get(bytes, addr);
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public void writeShort(int addr, short data) {
        at(addr, 2);
        SHORT.set(bytes, addr, data);
    }

    @Override
    public int readInt(int addr) {
        at(addr, 4);
        return (int) INT.get(bytes, addr);
    }

    @Override
    public void writeI32(int addr, int data) {
        at(addr, 4);
        INT.set(bytes, addr, data);
    }

    @Override
    public long readLong(int addr) {
        at(addr, 8);
        return (long) LONG.get(bytes, addr);
    }

    @Override
    public void writeLong(int addr, long data) {
        at(addr, 8);
        LONG.set(bytes, addr, data);
    }

    @Override
    public float readFloat(int addr) {
        at(addr, 4);
        return (float) FLOAT.get(bytes, addr);
    }

    @Override
    public long readF32(int addr) {
        return readInt(addr);
    }

    @Override
    public void writeF32(int addr, float data) {
        at(addr, 4);
        FLOAT.set(bytes, addr, data);
    }

    @Override
    public double readDouble(int addr) {
        at(addr, 8);
        return (double) DOUBLE.get(bytes, addr);
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }

    @Override
    public void writeF64(int addr, double data) {
        at(addr, 8);
        DOUBLE.set(bytes, addr, data);
    }
}
