package dev.ringswitch.datapath.internal;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether the ring runs {@link StallSentinels} ({@code stallSentinels} in {@value RingSettings#PID}), by its cfg
 * spelling: {@code auto}, {@code true} or {@code false}. {@code hugePages} ({@link HugePageKeeper}), the other
 * measure against the same stall, takes the same values with the same {@code auto}.
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
        return parse("stallSentinels", text);
    }

    /**
     * @param key the setting's name, for the error
     * @param text the cfg value
     * @return the mode
     * @throws IllegalArgumentException naming the setting and the accepted values
     */
    static StallSentinelsMode parse(String key, String text) {
        return CfgEnums.parse(values(), key, text);
    }
}
