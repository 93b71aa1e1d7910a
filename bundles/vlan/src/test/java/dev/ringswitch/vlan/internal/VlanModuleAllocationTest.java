package dev.ringswitch.vlan.internal;

import dev.ringswitch.api.module.EgressTagging;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.api.vlan.VlanMode;
import dev.ringswitch.api.vlan.VlanSet;
import dev.ringswitch.testkit.FakePortService;
import dev.ringswitch.testkit.FrameBuilder;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The per-frame path (classify, confine, egress tag decision, push/pop) must not allocate. Counted with the JVM's
 * per-thread allocation counter, not timed.
 */
class VlanModuleAllocationTest {

    private static final int FRAMES = 200_000;

    @Test
    void shouldNotAllocatePerFrame() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "JVM cannot count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
        FakePortService ports = new FakePortService();
        ports.add("a10", 1, VlanConfig.access(10));
        ports.add("trunk", 2, VlanConfig.trunk(VlanSet.of(10, 20)));
        ports.add("nu", 3, new VlanConfig(VlanMode.NATIVE_UNTAGGED, 20, VlanSet.of(10)));
        VlanModule module = new VlanModule(ports);
        module.activate();
        byte[] bytes = FrameBuilder.ethernet().vlan(10, 5).etherType(0x0800).length(128).build();
        MemorySegment source = MemorySegment.ofArray(bytes);
        Frame frame = FrameBuilder.frameOf(bytes, 2);

        long sink = run(module, frame, source, bytes.length, FRAMES);
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += run(module, frame, source, bytes.length, FRAMES);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(2L * FRAMES * 2, sink, "every frame reached both other ports");
        assertTrue(allocated < 4096, allocated + " bytes allocated for " + FRAMES + " frames");
        module.deactivate();
    }

    private static long run(VlanModule module, Frame frame, MemorySegment source, int length, int count) {
        long delivered = 0;
        for (int i = 0; i < count; i++) {
            MemorySegment.copy(source, 0, frame.buffer(), Frame.readOffset(), length);
            frame.reset(2, length);
            frame.egress().add(1);
            frame.egress().add(3);
            module.onBatchStart();
            module.process(frame);
            for (int p = frame.egress().next(0); p >= 0; p = frame.egress().next(p + 1)) {
                int tci = module.egressTci(frame, p);
                if (tci != EgressTagging.UNTAGGED) {
                    frame.pushTag(tci);
                    frame.popTag();
                }
                delivered++;
            }
            module.onBatchEnd();
        }
        return delivered;
    }
}
