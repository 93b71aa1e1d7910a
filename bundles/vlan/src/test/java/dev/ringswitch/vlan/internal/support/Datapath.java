package dev.ringswitch.vlan.internal.support;

import dev.ringswitch.api.module.EgressTagging;
import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.testkit.FrameBuilder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the datapath does around a module, reduced to one frame: pre-fill the egress set with every other port, run
 * the module, then write the frame to each egress port with the tag the module asks for (push, copy, pop).
 */
public final class Datapath {

    private final ForwardingModule module;
    private final EgressTagging tagging;
    private final int[] portNumbers;

    /**
     * @param module the module under test, also the egress tagger
     * @param portNumbers the switch's port numbers
     */
    public Datapath(ForwardingModule module, int... portNumbers) {
        this.module = module;
        this.tagging = (EgressTagging) module;
        this.portNumbers = portNumbers.clone();
    }

    /**
     * Runs one frame through the module as a batch of its own.
     *
     * @param bytes the frame as read from the ingress port
     * @param ingress the ingress port number
     * @return the frame after the module, egress set narrowed
     */
    public Frame ingress(byte[] bytes, int ingress) {
        module.onBatchStart();
        Frame frame = classify(bytes, ingress);
        module.onBatchEnd();
        return frame;
    }

    /**
     * Runs one frame through the module without batch boundaries (a frame in the middle of a batch).
     *
     * @param bytes the frame as read from the ingress port
     * @param ingress the ingress port number
     * @return the frame after the module
     */
    public Frame classify(byte[] bytes, int ingress) {
        Frame frame = FrameBuilder.frameOf(bytes, ingress);
        for (int port : portNumbers) {
            if (port != ingress) {
                frame.egress().add(port);
            }
        }
        module.process(frame);
        return frame;
    }

    /**
     * Writes the frame to every port of its egress set, as the datapath's egress does.
     *
     * @param frame a classified frame
     * @return the bytes each egress port receives, by port number in ascending order; empty if dropped
     */
    public Map<Integer, byte[]> egress(Frame frame) {
        Map<Integer, byte[]> out = new LinkedHashMap<>();
        if (frame.isDropped()) {
            return out;
        }
        for (int p = frame.egress().next(0); p >= 0; p = frame.egress().next(p + 1)) {
            out.put(p, write(frame, p));
        }
        return out;
    }

    /**
     * @param frame a classified frame
     * @param port an egress port
     * @return the bytes the port receives
     */
    public byte[] write(Frame frame, int port) {
        int tci = tagging.egressTci(frame, port);
        if (tci == EgressTagging.UNTAGGED) {
            return FrameBuilder.bytesOf(frame);
        }
        frame.pushTag(tci);
        byte[] bytes = FrameBuilder.bytesOf(frame);
        frame.popTag();
        return bytes;
    }

    /**
     * Ingress then egress.
     *
     * @param bytes the frame as read from the ingress port
     * @param ingress the ingress port number
     * @return the bytes each egress port receives
     */
    public Map<Integer, byte[]> forward(byte[] bytes, int ingress) {
        return egress(ingress(bytes, ingress));
    }
}
