package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.EgressTagging;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.module.PortSet;

import java.lang.foreign.MemorySegment;

/**
 * The memory one frame lives in while it crosses the switch, with the frame's metadata: allocated once when the ring
 * is built and reused for every frame after. The ring's entries ({@link Slot}) and the worker's spare buffers hold
 * them; handing a frame to the egress thread swaps the buffer into a ring entry (see {@link Worker}). It owns a
 * piece of the ring's off-heap memory, laid out as
 * <pre>
 *   0            PREFIX       PREFIX + HEADROOM
 *   | vnet room   | headroom   | frame ...                                   |
 *                 \___________ Frame.buffer() ______________________________/
 * </pre>
 * The frame is read at {@code PREFIX + Frame.HEADROOM}, where {@link Frame} expects it. A port with a virtio-net
 * header reads header and frame in one {@code read} at {@link #VNET_READ_OFFSET}, so the header lands in the bytes
 * just before the frame (the free headroom and the vnet room) and is copied into {@link #vnet} at once, before a
 * module can push a tag over it. A write to such a port stores the header again just before wherever the frame
 * starts by then ({@link #vnetWriteOffset()}); {@link #PREFIX} bytes of room guarantee it fits even after two pushed
 * tags. One syscall per frame either way, and the header never takes part in the headroom logic of {@link Frame}.
 *
 * <p>Threading: the worker thread fills a buffer and runs the pipeline on it; then it either writes the frame itself
 * or hands the buffer to the egress thread through the ring. The ring's sequences order the two, so plain fields
 * suffice.
 */
final class FrameBuffer {

    /** Bytes before {@link Frame#buffer()}: room for the vnet header in front of a frame with two pushed tags. */
    static final int PREFIX = 16;
    /** Where a vnet port's read starts: header immediately followed by the frame at its read offset. */
    static final long VNET_READ_OFFSET = PREFIX + Frame.HEADROOM - VnetHeader.LENGTH;
    /** {@link #tci} entry of a port whose tagging call failed: the write is skipped and counted. */
    static final int TAGGING_FAILED = -2;

    /** The whole buffer. */
    final MemorySegment memory;
    final Frame frame;
    final VnetHeader vnet = new VnetHeader();
    /** Per egress port, the tag to push on the write ({@link EgressTagging#UNTAGGED} for none), when tagged. */
    final int[] tci = new int[PortSet.CAPACITY];
    /** Whether {@link #tci} was filled (a tagging module is in the pipeline). */
    boolean tagged;
    /** The plan the frame was switched under: its port table serves the writes. Cleared after the writes. */
    Plan plan;
    FrameBuffer(MemorySegment memory) {
        this.memory = memory;
        this.frame = new Frame(memory.asSlice(PREFIX));
    }

    /** @return the largest frame a read may deliver into this buffer, in bytes */
    int readCapacity() {
        return frame.readCapacity();
    }

    /** @return where the vnet header goes for a write of the frame as it is now */
    long vnetWriteOffset() {
        return PREFIX + frame.offset() - VnetHeader.LENGTH;
    }

    /** @return bytes inserted in front of the frame since it was read (negative: removed) */
    int shift() {
        return Frame.HEADROOM - (int) frame.offset();
    }
}
