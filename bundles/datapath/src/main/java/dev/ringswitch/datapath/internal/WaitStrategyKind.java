package dev.ringswitch.datapath.internal;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

/**
 * The Disruptor wait strategies an operator may choose for the egress thread, by their cfg spelling.
 */
enum WaitStrategyKind {
    /** Parks on a monitor when idle; a publish costs one atomic exchange and locks only if the worker sleeps. */
    LITE_BLOCKING,
    /** Parks on a lock when idle; every publish takes the lock. */
    BLOCKING,
    /** Spins, yields, then parks 100 ns at a time: low latency, but wakes up constantly when idle. */
    SLEEPING,
    /** Spins and yields: burns a core. */
    YIELDING,
    /** Spins: burns a core, lowest latency. */
    BUSY_SPIN;

    /** @return the cfg spelling, e.g. {@code lite-blocking} */
    String label() {
        return CfgEnums.label(this);
    }

    /**
     * @param text the cfg value
     * @return the kind
     * @throws IllegalArgumentException naming the accepted values
     */
    static WaitStrategyKind parse(String text) {
        return CfgEnums.parse(values(), "waitStrategy", text);
    }

    /** @return a new strategy instance (strategies hold per-ring state) */
    WaitStrategy create() {
        return switch (this) {
            case LITE_BLOCKING -> new LiteBlockingWaitStrategy();
            case BLOCKING -> new BlockingWaitStrategy();
            case SLEEPING -> new SleepingWaitStrategy();
            case YIELDING -> new YieldingWaitStrategy();
            case BUSY_SPIN -> new BusySpinWaitStrategy();
        };
    }
}
