package dev.ringswitch.l2.internal.support;

import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.testkit.FrameBuilder;

import java.lang.foreign.ValueLayout;

/**
 * Plays the datapath's part for one module: hands it frames the way the ring would, with the egress set pre-filled
 * with every other up port (the hub default), inside the batch hooks.
 */
public final class Datapath {

    private final ForwardingModule module;
    private final int[] upPorts;

    /**
     * @param module the module under test
     * @param upPorts the switch's up ports
     */
    public Datapath(ForwardingModule module, int... upPorts) {
        this.module = module;
        this.upPorts = upPorts.clone();
    }

    /**
     * Builds a frame as ingress would hand it to the pipeline: flood set = every up port but the ingress one.
     *
     * @param ingress the ingress port
     * @param src source MAC text
     * @param dst destination MAC text
     * @return the frame, not yet processed
     */
    public Frame frame(int ingress, String src, String dst) {
        Frame frame = FrameBuilder.ethernet().source(src).destination(dst).buildFrame(ingress);
        prefill(frame);
        return frame;
    }

    /**
     * Reuses a frame for a new source address without allocating, as a ring slot is reused.
     *
     * @param frame a frame built by {@link #frame}
     * @param ingress the new ingress port
     * @param src the new source MAC bits
     * @param dst the new destination MAC bits
     */
    public void rewrite(Frame frame, int ingress, long src, long dst) {
        for (int i = 0; i < 6; i++) {
            frame.buffer().set(ValueLayout.JAVA_BYTE, frame.offset() + i, (byte) (dst >>> (40 - 8 * i)));
            frame.buffer().set(ValueLayout.JAVA_BYTE, frame.offset() + 6 + i, (byte) (src >>> (40 - 8 * i)));
        }
        frame.reset(ingress, frame.length());
        prefill(frame);
    }

    private void prefill(Frame frame) {
        for (int port : upPorts) {
            if (port != frame.ingressPort()) {
                frame.egress().add(port);
            }
        }
    }

    /**
     * Runs frames through the module as one batch.
     *
     * @param frames the batch
     */
    public void batch(Frame... frames) {
        module.onBatchStart();
        try {
            for (Frame frame : frames) {
                module.process(frame);
            }
        } finally {
            module.onBatchEnd();
        }
    }

    /**
     * Builds and runs one frame in a batch of its own.
     *
     * @param ingress the ingress port
     * @param src source MAC text
     * @param dst destination MAC text
     * @return the frame after the module decided
     */
    public Frame send(int ingress, String src, String dst) {
        Frame frame = frame(ingress, src, dst);
        batch(frame);
        return frame;
    }

    /**
     * Builds and runs one frame, classified into a VLAN as the VLAN module would, in a batch of its own.
     *
     * @param ingress the ingress port
     * @param vlan the classified VLAN
     * @param src source MAC text
     * @param dst destination MAC text
     * @return the frame after the module decided
     */
    public Frame send(int ingress, int vlan, String src, String dst) {
        Frame frame = frame(ingress, src, dst);
        frame.setVlan(vlan);
        batch(frame);
        return frame;
    }

    /**
     * @param bits MAC bits
     * @return the text form
     */
    public static String mac(long bits) {
        return new MacAddress(bits).toString();
    }
}
