package dev.ringswitch.testkit;

import dev.ringswitch.api.net.Ipv4Prefix;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.TapPort;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * A {@link TapPort} without a kernel: two {@link OffHeapFrameQueue}s stand for the TAP's queues.
 *
 * <p>The test plays the host behind the interface: {@link #inject} is a frame the host sends (the switch
 * {@link #read reads} it), {@link #pollEgress} returns a frame the switch {@link #write wrote} to the host. Both paths
 * copy between off-heap slots only and allocate nothing, so the port serves benchmarks as well as tests; with
 * {@link #discardEgress(boolean)} written frames are only counted.
 *
 * <p>Threading: one thread injects, one reads (the datapath's ingress), one writes (the datapath's worker) and one
 * polls egress, as with a real TAP. Configuration methods may be called from any thread. Like the kernel, a port whose
 * link is down refuses writes with EIO and drops injected frames.
 */
public final class InMemoryTapPort implements TapPort {

    /** errno reported when writing to a port whose link is down, as the TUN driver does. */
    public static final int EIO = 5;
    /** errno reported for I/O on a closed port. */
    public static final int EBADF = 9;

    private static final VarHandle TX_FRAMES;
    private static final VarHandle TX_BYTES;
    private static final VarHandle INJECT_DROPS;
    private static final VarHandle EMPTY_READS;
    private static final VarHandle REPORTED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TX_FRAMES = lookup.findVarHandle(InMemoryTapPort.class, "txFrames", long.class);
            TX_BYTES = lookup.findVarHandle(InMemoryTapPort.class, "txBytes", long.class);
            INJECT_DROPS = lookup.findVarHandle(InMemoryTapPort.class, "injectDrops", long.class);
            EMPTY_READS = lookup.findVarHandle(InMemoryTapPort.class, "emptyReads", long.class);
            REPORTED = lookup.findVarHandle(InMemoryTapPort.class, "reported", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final int ifIndex;
    private final boolean persistentAtOpen;
    private final Arena arena = Arena.ofAuto();
    private final OffHeapFrameQueue toSwitch;
    private final OffHeapFrameQueue toHost;

    private volatile boolean up;
    private volatile int mtu;
    private volatile MacAddress mac;
    private volatile Ipv4Prefix ipv4;
    private volatile boolean persistent;
    private volatile boolean closed;
    private volatile boolean discardEgress;
    /** Non-zero: every read fails with this errno ({@link #failReads}). */
    private volatile int readErrno;
    private volatile InMemoryReadinessSelector selector;

    /** Frames accepted by {@link #write}; written by the writer thread only. */
    @SuppressWarnings("unused")
    private volatile long txFrames;
    @SuppressWarnings("unused")
    private volatile long txBytes;
    @SuppressWarnings("unused")
    private volatile long injectDrops;
    /** Reads that found no frame; written by the reading thread only. */
    @SuppressWarnings("unused")
    private volatile long emptyReads;
    /** Times a selector reported the port readable; written by the selecting thread only. */
    @SuppressWarnings("unused")
    private volatile long reported;
    /** Answers frames the switch writes, within the write ({@link #answerWith}). */
    private volatile UnaryOperator<byte[]> answerer;

    /**
     * @param name the interface name
     * @param ifIndex the interface index to report
     * @param queueCapacity frames each direction holds
     * @param slotSize the largest frame in bytes
     * @param mtu the initial MTU
     * @param mac the initial MAC address
     * @param persistent the initial persistence
     */
    public InMemoryTapPort(String name, int ifIndex, int queueCapacity, int slotSize, int mtu, MacAddress mac,
                           boolean persistent) {
        this.name = name;
        this.ifIndex = ifIndex;
        this.toSwitch = new OffHeapFrameQueue(queueCapacity, slotSize, arena);
        this.toHost = new OffHeapFrameQueue(queueCapacity, slotSize, arena);
        this.mtu = mtu;
        this.mac = mac;
        this.persistent = persistent;
        this.persistentAtOpen = persistent;
        this.up = true;
    }

    // ---- the host's side -------------------------------------------------------------------------------------------

    /**
     * The host sends a frame into the switch.
     *
     * @param frame the frame bytes
     * @return whether it was queued (false if the link is down, the port closed or the queue full)
     */
    public boolean inject(byte[] frame) {
        return inject(MemorySegment.ofArray(frame), 0, frame.length);
    }

    /**
     * The host sends a frame into the switch, from off-heap memory (allocation-free, for benchmarks).
     *
     * @param source memory holding the frame
     * @param offset where it starts
     * @param length its length
     * @return whether it was queued
     */
    public boolean inject(MemorySegment source, long offset, int length) {
        if (closed || !up || !toSwitch.offer(source, offset, length)) {
            add(INJECT_DROPS, 1);
            return false;
        }
        InMemoryReadinessSelector s = selector;
        if (s != null) {
            s.readable();
        }
        return true;
    }

    /**
     * Makes every read fail with {@code errno} while frames still queue and the selector still reports the port
     * readable, as a TAP device that breaks under the switch does; 0 restores normal reads.
     *
     * @param errno the error the reads report
     */
    public void failReads(int errno) {
        readErrno = errno;
    }

    /** @return the oldest frame the switch wrote to this port, or {@code null} */
    public byte[] pollEgress() {
        return toHost.poll();
    }

    /**
     * Waits until the switch has written {@code count} frames to this port, polling with short parks.
     *
     * @param count frames to collect
     * @param timeout how long to wait at most
     * @return the frames, oldest first; fewer than {@code count} if the timeout elapsed
     */
    public List<byte[]> awaitEgress(int count, Duration timeout) {
        List<byte[]> frames = new ArrayList<>(count);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (frames.size() < count) {
            byte[] frame = toHost.poll();
            if (frame != null) {
                frames.add(frame);
            } else if (System.nanoTime() - deadline >= 0) {
                break;
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
        return frames;
    }

    /** @return every frame written so far and not yet polled */
    public List<byte[]> drainEgress() {
        List<byte[]> frames = new ArrayList<>();
        for (byte[] frame = toHost.poll(); frame != null; frame = toHost.poll()) {
            frames.add(frame);
        }
        return frames;
    }

    /** @param discard true: written frames are only counted, not queued (benchmarks) */
    public void discardEgress(boolean discard) {
        this.discardEgress = discard;
    }

    /** @return frames the switch wrote to this port successfully, including discarded ones */
    public long egressFrames() {
        return (long) TX_FRAMES.getOpaque(this);
    }

    /** @return bytes the switch wrote to this port successfully */
    public long egressBytes() {
        return (long) TX_BYTES.getOpaque(this);
    }

    /** @return frames the switch wrote but the host's queue had no room for */
    public long egressOverflows() {
        return toHost.dropped();
    }

    /** @return injected frames that were refused (link down, closed, queue full) */
    public long injectDrops() {
        return (long) INJECT_DROPS.getOpaque(this);
    }

    /** @return frames injected but not yet read by the switch */
    public int pendingIngress() {
        return toSwitch.size();
    }

    /**
     * Makes the host answer within each write, as a host's network stack does when the switch writes to its TAP (an
     * echo reply, a TCP ACK): the answer is queued towards the switch before {@link #write} returns. Copies each
     * written frame into a new array: for tests, not benchmarks.
     *
     * @param host returns the answer to a frame, or {@code null} for none; {@code null} stops answering
     */
    public void answerWith(UnaryOperator<byte[]> host) {
        this.answerer = host;
    }

    /** @return whether the selector watching this port is blocked, waiting for a frame */
    public boolean selectorWaiting() {
        InMemoryReadinessSelector s = selector;
        return s != null && s.waiting();
    }

    /** @return reads by the switch that found no frame (EAGAIN on a TAP) */
    public long emptyReads() {
        return (long) EMPTY_READS.getOpaque(this);
    }

    /** @return how often a selector reported this port readable */
    public long timesReportedReadable() {
        return (long) REPORTED.getOpaque(this);
    }

    /** Called by a selector that reports the port readable. */
    void reportedReadable() {
        add(REPORTED, 1);
    }

    /** @return whether the port was opened persistent (for checks on what a reopen would change) */
    public boolean persistentAtOpen() {
        return persistentAtOpen;
    }

    /** @return the IPv4 address last assigned, or {@code null} */
    public Ipv4Prefix ipv4() {
        return ipv4;
    }

    boolean hasIngress() {
        return !toSwitch.isEmpty();
    }

    void attach(InMemoryReadinessSelector newSelector) {
        InMemoryReadinessSelector old = selector;
        if (old != null && old != newSelector) {
            throw new IllegalStateException(name + ": already registered with another selector");
        }
        selector = newSelector;
    }

    void detach(InMemoryReadinessSelector oldSelector) {
        if (selector == oldSelector) {
            selector = null;
        }
    }

    // ---- TapPort ---------------------------------------------------------------------------------------------------

    @Override
    public String name() {
        return name;
    }

    @Override
    public int ifIndex() {
        return ifIndex;
    }

    @Override
    public int flags() {
        return 0x0002 | 0x1000;
    }

    @Override
    public boolean vnetHdr() {
        return false;
    }

    @Override
    public int read(MemorySegment buffer, long offset, int capacity) {
        checkOpen("read");
        int errno = readErrno;
        if (errno != 0) {
            throw new PortException(name, "read", errno, name + ": read failed: errno " + errno);
        }
        int length = toSwitch.poll(buffer, offset, capacity);
        if (length < 0) {
            add(EMPTY_READS, 1);
            return WOULD_BLOCK;
        }
        return length;
    }

    @Override
    public int write(MemorySegment buffer, long offset, int length) {
        checkOpen("write");
        if (!up) {
            throw new PortException(name, "write", EIO, name + ": write failed: EIO (Input/output error): the link"
                    + " is down");
        }
        if (!discardEgress && !toHost.offer(buffer, offset, length)) {
            return WOULD_BLOCK;
        }
        add(TX_FRAMES, 1);
        add(TX_BYTES, length);
        UnaryOperator<byte[]> host = answerer;
        if (host != null) {
            byte[] answer = host.apply(buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
            if (answer != null) {
                inject(answer);
            }
        }
        return length;
    }

    /** Adds to one of the counters, each of which has a single writer: an opaque read-modify-write, no atomic. */
    private void add(VarHandle counter, long n) {
        counter.setOpaque(this, (long) counter.getOpaque(this) + n);
    }

    private void checkOpen(String operation) {
        if (closed) {
            throw new PortException(name, operation, EBADF, name + ": " + operation
                    + " failed: EBADF (Bad file descriptor): the port is closed");
        }
    }

    @Override
    public void setUp(boolean value) {
        checkOpen("setUp");
        this.up = value;
    }

    @Override
    public boolean isUp() {
        return up;
    }

    @Override
    public void setMtu(int value) {
        checkOpen("setMtu");
        this.mtu = value;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public void setMac(MacAddress value) {
        checkOpen("setMac");
        this.mac = value;
    }

    @Override
    public MacAddress mac() {
        return mac;
    }

    @Override
    public void setIpv4(Ipv4Prefix address) {
        checkOpen("setIpv4");
        this.ipv4 = address;
    }

    @Override
    public void setPersistent(boolean value) {
        checkOpen("setPersistent");
        this.persistent = value;
    }

    @Override
    public boolean isPersistent() {
        return persistent;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Closes the port; frames already written stay pollable. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            InMemoryReadinessSelector s = selector;
            if (s != null) {
                s.deregister(this);
            }
        }
    }

    @Override
    public String toString() {
        return "InMemoryTapPort[" + name + (closed ? ", closed" : up ? ", up" : ", down") + "]";
    }
}
