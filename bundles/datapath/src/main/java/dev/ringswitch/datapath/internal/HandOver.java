package dev.ringswitch.datapath.internal;

/**
 * Whether the worker hands backlogs of small frames to the egress thread ({@code handOver} in
 * {@value RingSettings#PID}), by its cfg spelling. See {@link Worker} for the trade-off.
 */
enum HandOver {
    /** Hand over when the machine has more than {@link #AUTO_MIN_CPUS} - 1 CPUs, write everything inline otherwise. */
    AUTO,
    /** Pipeline backlogs over both threads: the worker reads while the egress thread writes. */
    ON,
    /** Run to completion: the worker writes every frame itself; the egress thread only carries barriers. */
    OFF;

    /**
     * CPUs from which {@link #AUTO} pipelines. With two, the hosts' traffic keeps one busy, and a second busy switch
     * thread only shares the other with the first (measured: 10-20 % more CPU per small frame, see bench/README.md).
     */
    static final int AUTO_MIN_CPUS = 3;

    /** @return the cfg spelling, e.g. {@code auto} */
    String label() {
        return CfgEnums.label(this);
    }

    /** @return whether the worker hands backlogs over on this machine */
    boolean pipelines() {
        return switch (this) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> Runtime.getRuntime().availableProcessors() >= AUTO_MIN_CPUS;
        };
    }

    /**
     * @param text the cfg value
     * @return the mode
     * @throws IllegalArgumentException naming the accepted values
     */
    static HandOver parse(String text) {
        return CfgEnums.parse(values(), "handOver", text);
    }
}
