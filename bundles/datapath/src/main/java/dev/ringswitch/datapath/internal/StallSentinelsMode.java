package dev.ringswitch.datapath.internal;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether the ring runs {@link StallSentinels} ({@code stallSentinels} in {@value RingSettings#PID}), by its cfg
 * spelling: {@code auto}, {@code true} or {@code false}.
 */
enum StallSentinelsMode {
    /** Where the stall they take is charged: a virtual machine whose memory DAMON samples ({@link DamonSampling}). */
    AUTO,
    /** Always (on two or more CPUs). */
    TRUE,
    /** Never. */
    FALSE;

    /** @return the cfg spelling, e.g. {@code auto} */
    String label() {
        return CfgEnums.label(this);
    }

    /**
     * @param sampling what makes {@link #AUTO} turn the sentinels on, if this machine has it
     * @return whether the ring runs sentinels
     */
    boolean on(Supplier<Optional<String>> sampling) {
        return switch (this) {
            case TRUE -> true;
            case FALSE -> false;
            case AUTO -> sampling.get().isPresent();
        };
    }

    /**
     * @param text the cfg value
     * @return the mode
     * @throws IllegalArgumentException naming the accepted values
     */
    static StallSentinelsMode parse(String text) {
        return CfgEnums.parse(values(), "stallSentinels", text);
    }
}
