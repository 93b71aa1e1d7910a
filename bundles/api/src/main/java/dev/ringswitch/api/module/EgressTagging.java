package dev.ringswitch.api.module;

/**
 * Optionally implemented by a {@link ForwardingModule} that owns 802.1Q encapsulation (the VLAN module). The
 * datapath asks it, per egress port, whether the frame leaves tagged. Without such a module frames leave exactly as
 * they arrived.
 */
public interface EgressTagging {

    /** Returned by {@link #egressTci} when the frame leaves the port untagged. */
    int UNTAGGED = -1;

    /**
     * @param frame the frame, untagged in memory, with {@link Frame#vlan()}, {@link Frame#pcp()} and
     *              {@link Frame#dei()} classified
     * @param port the egress port number
     * @return the 16-bit tag control information to insert (PCP, DEI, VID), or {@link #UNTAGGED}
     */
    int egressTci(Frame frame, int port);
}
