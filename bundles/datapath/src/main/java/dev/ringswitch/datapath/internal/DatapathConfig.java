package dev.ringswitch.datapath.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Typed configuration of PID {@value RingSettings#PID} ({@code etc/ringswitch.datapath.cfg}). Defaults and units are
 * the constants in {@link RingSettings} and, for storm control and the module watchdog, {@link GuardSettings}; keep
 * them and the cfg file in sync.
 */
@ObjectClassDefinition(name = "RingSwitch datapath",
        description = "Ring, thread, module-isolation and storm-control settings of the switch's datapath")
public @interface DatapathConfig {

    /** @return slots in the ring, a power of two */
    @AttributeDefinition(description = "Slots in the ring (power of two, 2..65536). Each slot owns frameSize bytes"
            + " of off-heap memory; a full ring makes ingress stop reading.")
    int ringSize() default RingSettings.DEFAULT_RING_SIZE;

    /** @return bytes of off-heap memory per slot */
    @AttributeDefinition(description = "Bytes per slot, including 24 bytes of virtio-net header room and tag"
            + " headroom. A port's MTU plus 22 (Ethernet header and two tags) must fit in frameSize - 24; offloads need"
            + " " + RingSettings.GSO_FRAME_SIZE + " (the default).")
    int frameSize() default RingSettings.DEFAULT_FRAME_SIZE;

    /** @return frames read from one port per wakeup */
    @AttributeDefinition(description = "Frames read from one port before ingress serves the next ready port.")
    int ingressBatch() default RingSettings.DEFAULT_INGRESS_BATCH;

    /** @return frames the worker handles per batch */
    @AttributeDefinition(description = "Largest batch the worker runs through the modules at once.")
    int workerBatch() default RingSettings.DEFAULT_WORKER_BATCH;

    /** @return the Disruptor wait strategy */
    @AttributeDefinition(description = "How the worker waits for frames: lite-blocking (default, sleeps, no lock"
            + " per publish), blocking, sleeping, yielding or busy-spin (the last two burn a core).")
    String waitStrategy() default RingSettings.DEFAULT_WAIT_STRATEGY;

    /** @return how long a module or port change waits for the datapath to let go, in milliseconds */
    @AttributeDefinition(description = "Milliseconds a module unbind or port removal waits for the worker to finish"
            + " the frames in flight.")
    long quiesceTimeoutMillis() default RingSettings.DEFAULT_QUIESCE_TIMEOUT_MILLIS;

    /** @return consecutive exceptions after which a module is isolated */
    @AttributeDefinition(description = "Consecutive exceptions after which a module is isolated (FAILED, skipped)"
            + " until it is deployed again.")
    int moduleFailureThreshold() default RingSettings.DEFAULT_MODULE_FAILURE_THRESHOLD;

    /** @return whether new ports get the virtio-net header with checksum and TCP segmentation offloads */
    @AttributeDefinition(description = "Open every new port with IFF_VNET_HDR and TUNSETOFFLOAD (checksum, TSO):"
            + " TCP crosses the switch as frames of up to 64 KiB. Needs frameSize " + RingSettings.GSO_FRAME_SIZE
            + " or more; ports already open keep their mode (re-add them after a change: GSO frames towards a port"
            + " without offloads are dropped as too_long).")
    boolean offloads() default RingSettings.DEFAULT_OFFLOADS;

    /** @return whether the worker hands backlogs to the egress thread: auto, on or off */
    @AttributeDefinition(description = "Whether the worker thread hands backlogs of small frames to the egress thread"
            + " (on: reads and writes pipelined over two threads), writes every frame itself (off: run to completion,"
            + " the least CPU per frame), or decides by the machine (auto: on with 3 or more CPUs).")
    String handOver() default RingSettings.DEFAULT_HAND_OVER;

    /** @return how frames are read and written: io_uring or syscalls */
    @AttributeDefinition(description = "How the datapath reads and writes frames: io_uring (a burst's reads, and its"
            + " writes, submitted with one io_uring_enter each; falls back to syscalls, with a warning, where the"
            + " kernel refuses io_uring) or syscalls (one read or write per frame).")
    String ioEngine() default RingSettings.DEFAULT_IO_ENGINE;

    /** @return where the worker thread runs: auto, none or a CPU number */
    @AttributeDefinition(description = "The CPU the worker thread is bound to: auto (the default: the last CPU the"
            + " process may run on, if it may run on two or more, while bulk traffic flows; placed by the scheduler"
            + " otherwise, for the lowest latency), none (never bound) or a CPU number (always).")
    String workerCpu() default RingSettings.DEFAULT_WORKER_CPU;

    /** @return whether a thread per CPU takes the hypervisor's periodic page-table stall in the worker's place */
    @AttributeDefinition(description = "Stall sentinels: a thread bound to each CPU wakes every 100 us while light"
            + " traffic flows, so that the stall some hypervisors charge the first thread of the process to run on a"
            + " CPU after the kernel rewrote its page tables (DAMON sampling) hits a sentinel, not a frame. Lowers"
            + " RTT p99 on such VMs, costs 12-17 % of a CPU while light traffic flows. auto (the default: on where"
            + " the machine is a virtual machine whose physical memory DAMON samples), true or false.")
    String stallSentinels() default RingSettings.DEFAULT_STALL_SENTINELS;

    /** @return how long the worker polls its ports after a frame before it sleeps: auto, off or microseconds */
    @AttributeDefinition(description = "Busy polling: while light traffic flows, the worker polls its ports for this"
            + " many microseconds after each frame instead of sleeping, so that the next frame does not wait for a"
            + " halted virtual CPU to be woken (about half of a ping's time through the switch on a VM). Traffic more"
            + " frequent than that keeps one CPU busy; no traffic costs nothing. auto (the default: 20000 on a"
            + " virtual machine with two or more CPUs, off elsewhere), off, or microseconds 0..1000000.")
    String busyPoll() default RingSettings.DEFAULT_BUSY_POLL;

    /** @return whether the JVM's anonymous memory is kept in huge pages: auto, true or false */
    @AttributeDefinition(description = "Huge pages: every 10 s, collapse the JVM's anonymous memory (class metadata,"
            + " malloc arenas, heap not yet huge) into 2 MiB pages where a 2 MiB stretch is mostly in use, so that the"
            + " stall a hypervisor charges after DAMON samples the VM's memory, which grows with what a process maps in"
            + " 4 KiB pages, is smaller. Lowers RTT p99 on such VMs; costs milliseconds of CPU when memory has grown,"
            + " nothing otherwise. auto (the default: on where the stall sentinels' auto is), true or false. Applies"
            + " at once.")
    String hugePages() default "auto";

    /** @return broadcast and multicast frames a port may send per second, 0 for no limit */
    @AttributeDefinition(description = "Storm control: broadcast and multicast frames one port may send per second"
            + " (with 100 ms worth of burst); the rest are dropped and counted as storm. 0 = no limit. A port's own"
            + " stormControlPps (port-set --storm-control) takes its place for that port. Applies at once.")
    int stormControlPps() default GuardSettings.DEFAULT_STORM_CONTROL_PPS;

    /** @return how long one call into a module may take before the module is isolated, in milliseconds */
    @AttributeDefinition(description = "Watchdog: a forwarding module that does not return within this many"
            + " milliseconds is isolated (FAILED) and the ring continues on a new worker thread. At least 100.")
    long moduleStallMillis() default GuardSettings.DEFAULT_MODULE_STALL_MILLIS;
}
