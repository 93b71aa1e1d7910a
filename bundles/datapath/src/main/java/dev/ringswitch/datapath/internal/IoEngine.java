package dev.ringswitch.datapath.internal;

import java.util.Locale;

/**
 * How the datapath's threads hand frames to the kernel ({@code ioEngine} in {@value RingSettings#PID}), by its cfg
 * spelling.
 */
enum IoEngine {
    /**
     * Reads and writes queued per burst and submitted with one {@code io_uring_enter} (the port provider's
     * {@link dev.ringswitch.api.port.PortProvider#openBatch batch}); where the kernel refuses io_uring the provider
     * falls back to syscalls and logs why.
     */
    IO_URING,
    /** One {@code read} or {@code write} syscall per frame. */
    SYSCALLS;

    /** @return the cfg spelling, e.g. {@code io_uring} */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param text the cfg value ({@code io-uring} is taken for {@code io_uring})
     * @return the engine
     * @throws IllegalArgumentException naming the accepted values
     */
    static IoEngine parse(String text) {
        return CfgEnums.parse(values(), "ioEngine", text, IoEngine::label);
    }
}
