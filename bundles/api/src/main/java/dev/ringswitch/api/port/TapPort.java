package dev.ringswitch.api.port;

import dev.ringswitch.api.net.Ipv4Prefix;
import dev.ringswitch.api.net.MacAddress;

import java.lang.foreign.MemorySegment;

/**
 * An open TAP device: the switch holds the far end of the interface's cable. Frames the kernel sends out of the
 * interface are {@link #read read}; frames {@link #write written} enter the kernel as if received from the wire.
 *
 * <p>I/O is non-blocking and goes straight between the fd and caller-owned off-heap memory: no copies, no
 * allocation. Use a {@link ReadinessSelector} to wait for frames. Configuration methods are for control threads; the
 * I/O methods may be called from one datapath thread per direction concurrently with them.
 */
public interface TapPort extends AutoCloseable {

    /** Returned by {@link #read} and {@link #write} when the operation would block (EAGAIN). */
    int WOULD_BLOCK = -1;

    /** Returned by {@link #kernelQueueDrops()} when the kernel cannot tell. */
    long UNKNOWN_COUNT = -1;

    /** Returned by {@link #currentNetns()} for the network namespace the switch itself runs in. */
    String OWN_NETNS = "";

    /** @return the interface name the kernel assigned (resolves {@code tap%d} patterns) */
    String name();

    /** @return the kernel's interface index */
    int ifIndex();

    /** @return the TUN/TAP flags in effect (IFF_TAP, IFF_NO_PI, IFF_VNET_HDR, ...) */
    int flags();

    /** @return whether frames carry a virtio-net header (IFF_VNET_HDR) */
    boolean vnetHdr();

    /**
     * Reads one frame.
     *
     * @param buffer off-heap memory to read into
     * @param offset where in {@code buffer} the frame starts
     * @param capacity room available; a longer frame is truncated by the kernel
     * @return the frame length, or {@link #WOULD_BLOCK} when no frame is queued
     * @throws PortException on any other error (the port is gone, ...)
     */
    int read(MemorySegment buffer, long offset, int capacity);

    /**
     * Writes one frame.
     *
     * @param buffer off-heap memory holding the frame
     * @param offset where the frame starts
     * @param length the frame length
     * @return the bytes written, or {@link #WOULD_BLOCK} when the kernel queue is full
     * @throws PortException on any other error; a link that is down reports EIO, which callers count as a drop
     */
    int write(MemorySegment buffer, long offset, int length);

    /**
     * Frames the kernel dropped on their way to the switch because this fd's queue was full: the interface's
     * {@code tx_dropped}, read in the network namespace the interface is in now (it may have been moved to another
     * one, and renamed). Control path: it costs system calls, and possibly a thread.
     *
     * @return the count since the interface was created, or {@link #UNKNOWN_COUNT}
     */
    default long kernelQueueDrops() {
        return UNKNOWN_COUNT;
    }

    /**
     * The network namespace the interface is in now: an operator may have moved it after the switch created it (into
     * a container's namespace, say). Control path: it costs system calls.
     *
     * @return {@link #OWN_NETNS} for the switch's own namespace; the name {@code ip netns} knows the namespace by (a
     *         bind mount in {@code /run/netns}); {@code net:[INODE]} for a namespace without one; {@code null} when
     *         the kernel cannot tell
     */
    default String currentNetns() {
        return null;
    }

    /**
     * @param up bring the link administratively up (IFF_UP) or down
     * @throws PortException naming the interface and the errno
     */
    void setUp(boolean up);

    /** @return whether the link is administratively up */
    boolean isUp();

    /** @param mtu new MTU (68..65521) @throws PortException naming the interface and the errno */
    void setMtu(int mtu);

    /** @return the current MTU */
    int mtu();

    /** @param mac new hardware address @throws PortException naming the interface and the errno */
    void setMac(MacAddress mac);

    /** @return the current hardware address */
    MacAddress mac();

    /**
     * @param address address and prefix to assign, or {@code null} to remove the address
     * @throws PortException naming the interface and the errno
     */
    void setIpv4(Ipv4Prefix address);

    /** @param persistent whether the interface outlives the fd (TUNSETPERSIST) */
    void setPersistent(boolean persistent);

    /** @return whether the interface is persistent */
    boolean isPersistent();

    /** @return whether {@link #close()} has been called */
    boolean isClosed();

    /**
     * Closes the fd; a non-persistent interface disappears. Idempotent.
     */
    @Override
    void close();
}
