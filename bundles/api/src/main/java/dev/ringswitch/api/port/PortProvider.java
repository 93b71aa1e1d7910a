package dev.ringswitch.api.port;

import java.util.BitSet;

/**
 * SPI: opens kernel ports. The TAP bundle implements it over /dev/net/tun; tests can implement it in memory.
 */
public interface PortProvider {

    /**
     * Opens (creating if needed) a TAP interface and applies the link settings of {@code config} (MTU, MAC, IPv4,
     * persistence, up/down). Attaches to an existing persistent TAP of the same name. On any failure the fd is
     * closed and no interface is left behind that this call created.
     *
     * @param config what to open
     * @return the open port
     * @throws PortException naming the interface, the failed step, the errno and the fix
     */
    TapPort open(PortConfig config);

    /** @return a new selector for waiting on many ports */
    ReadinessSelector openSelector();

    /**
     * Opens a batch for frame I/O on this provider's ports, for one thread. The default runs each operation as one
     * {@link TapPort} call; the TAP provider submits a whole batch to the kernel at once where it can.
     *
     * @param capacity operations per batch
     * @return the batch; the caller closes it
     */
    default PortIoBatch openBatch(int capacity) {
        return PortIoBatch.sequential(capacity);
    }

    /**
     * The CPUs the calling thread may run on (its affinity mask), for placing the datapath's threads. The default
     * does not know and returns an empty set.
     *
     * @return the CPU numbers, e.g. {0, 1}
     */
    default BitSet allowedCpus() {
        return new BitSet();
    }

    /**
     * Opens a placement for the calling thread, through which a datapath thread binds itself to a CPU and releases
     * itself again as its load changes. The default cannot move threads and returns
     * {@link ThreadPlacement#UNSUPPORTED}.
     *
     * @return the calling thread's placement; the caller closes it
     */
    default ThreadPlacement openThreadPlacement() {
        return ThreadPlacement.UNSUPPORTED;
    }

    /**
     * Opens two connected endpoints that carry frames to each other and to nothing else: each frame written to the
     * second is read, whole, from the first; neither is an interface, so nothing of it shows on the host. The
     * datapath reads the first like a port, as a probe that keeps its code and memory warm while traffic is sparse.
     *
     * @return the endpoint to read from, then the one to write to; the caller closes both
     * @throws UnsupportedOperationException if this provider has no such pairs
     * @throws PortException if the kernel refuses one
     */
    default TapPort[] openLoopbackPair() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no loopback pairs");
    }

    /**
     * Asks the kernel to map this process's anonymous memory with huge pages where it maps it with small ones and
     * uses most of it (class metadata and malloc arenas, which the JVM's own huge-page option leaves out). On a
     * virtual machine whose memory is sampled for access, each sample slows the process's next run, the more the
     * more it maps in small pages. A control thread calls this now and then; it takes milliseconds per 2 MiB it
     * collapses and next to nothing when there is nothing new. The default does nothing.
     *
     * @return bytes of the process's candidate memory now mapped with huge pages (0 where the provider cannot)
     */
    default long collapseIntoHugePages() {
        return 0;
    }
}
