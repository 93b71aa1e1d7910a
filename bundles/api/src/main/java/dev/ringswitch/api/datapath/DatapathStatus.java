package dev.ringswitch.api.datapath;

/**
 * A snapshot of the datapath.
 *
 * @param ports number of ports
 * @param ringSize slots in the ring
 * @param ringOccupancy slots published but not yet fully processed
 * @param publishStalls times ingress found the ring full and stopped reading
 * @param threads datapath thread names
 * @param uptimeMillis time since the datapath started
 * @param workerCpu the CPU the worker thread is bound to now, or -1 if the scheduler places it
 * @param busyPollMicros how long the worker polls its ports after a frame while light traffic flows, 0 if it never
 *                       does
 * @param hugePageBytes the JVM's anonymous memory mapped with huge pages after the last collapse ({@code hugePages}),
 *                      -1 if memory is not collapsed
 */
public record DatapathStatus(int ports, int ringSize, long ringOccupancy, long publishStalls,
                             java.util.List<String> threads, long uptimeMillis, int workerCpu, long busyPollMicros,
                             long hugePageBytes) {

    /** A snapshot of a datapath whose worker is not bound to a CPU and never polls, in a JVM left as it is mapped. */
    public DatapathStatus(int ports, int ringSize, long ringOccupancy, long publishStalls,
                          java.util.List<String> threads, long uptimeMillis) {
        this(ports, ringSize, ringOccupancy, publishStalls, threads, uptimeMillis, -1, 0, -1);
    }
}
