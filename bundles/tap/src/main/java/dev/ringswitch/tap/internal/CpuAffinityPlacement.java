package dev.ringswitch.tap.internal;

import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.ThreadPlacement;
import dev.ringswitch.tap.internal.ffm.Errno;
import dev.ringswitch.tap.internal.ffm.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;

/**
 * {@link ThreadPlacement} through {@code sched_setaffinity(2)} on the calling thread. The masks and the errno capture
 * are allocated once, when it is opened, so that a move costs the system call alone. No privilege is needed: a thread
 * may narrow its own affinity and widen it again within its cpuset.
 */
final class CpuAffinityPlacement implements ThreadPlacement {

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = LibC.allocateErrnoState(arena);
    /** The CPUs the thread could run on when this was opened: what {@link #release} gives back. */
    private final MemorySegment opened = arena.allocate(LibC.CPU_SET_BYTES);
    private final MemorySegment single = arena.allocate(LibC.CPU_SET_BYTES);

    CpuAffinityPlacement() {
        if (LibC.schedGetaffinity(state, 0, opened) != 0) {
            // Unknown: every CPU; the kernel keeps the thread within its cpuset anyway.
            opened.fill((byte) -1);
        }
    }

    @Override
    public boolean bind(int cpu) {
        if (cpu < 0 || cpu >= LibC.CPU_SET_BYTES * 8) {
            throw new IllegalArgumentException("CPU " + cpu + " is outside 0.." + (LibC.CPU_SET_BYTES * 8 - 1));
        }
        single.fill((byte) 0);
        single.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
        if (LibC.schedSetaffinity(state, 0, single) != 0) {
            throw refused("be bound to CPU " + cpu, LibC.errno(state),
                    " (the CPU is offline or outside this process's cpuset; choose one of " + cpus(opened) + ")");
        }
        return true;
    }

    @Override
    public boolean release() {
        if (LibC.schedSetaffinity(state, 0, opened) != 0) {
            throw refused("be released to CPUs " + cpus(opened), LibC.errno(state), "");
        }
        return true;
    }

    /** @return the error for a move the kernel refused: "thread: cannot {@code move}: errno description{@code fix}" */
    private static PortException refused(String move, int errno, String fix) {
        String thread = Thread.currentThread().getName();
        return new PortException(thread, "sched_setaffinity", errno, thread + ": cannot " + move + ": "
                + Errno.describe(errno) + fix);
    }

    /**
     * @param mask a {@code cpu_set_t}
     * @return the CPUs it holds
     */
    static BitSet cpus(MemorySegment mask) {
        return BitSet.valueOf(mask.toArray(ValueLayout.JAVA_BYTE));
    }

    @Override
    public void close() {
        arena.close();
    }
}
