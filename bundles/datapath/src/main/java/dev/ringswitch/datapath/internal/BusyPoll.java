package dev.ringswitch.datapath.internal;

import java.util.Locale;

/**
 * How long the worker polls its ports before it sleeps ({@code busyPoll} in {@value RingSettings#PID}): {@code auto},
 * {@code off} or microseconds, as Linux's {@code net.core.busy_poll} is for a socket.
 *
 * <p>A worker that sleeps in the selector between frames is woken by the host that sends the next one. On a virtual
 * machine the CPU the worker slept on has halted, and the hypervisor takes tens of microseconds to run it again: about
 * half of what a ping through the switch takes there (bench/README.md, "Busy polling"). A worker that polls instead
 * finds the frame within a system call. Polling costs the CPU it runs on, so the worker polls only while light traffic
 * flows (see {@link WorkerPlacement#latencySensitive()}: bulk transfers and floods keep it busy anyway) and only for
 * {@code busyPoll} after the last frame: traffic that comes more often than that keeps one CPU busy, sparser traffic
 * costs {@code busyPoll} per frame, no traffic costs nothing.
 *
 * @param micros microseconds to poll after a frame, or {@link #AUTO}
 */
record BusyPoll(long micros) {

    /** As much as {@link #AUTO_MICROS} on a virtual machine with two or more CPUs, none elsewhere. */
    static final long AUTO = -1;
    /**
     * What {@code auto} polls for: 20 ms, so that request and response traffic at 50 exchanges a second or more (a
     * host pinging every 10 ms, a client polling a server) finds the worker awake, and a few frames a second (ARP,
     * neighbour discovery) cost at most a few percent of a CPU.
     */
    static final long AUTO_MICROS = 20_000;
    /** The longest poll accepted: light traffic ends a second after its last frame anyway. */
    static final long MAX_MICROS = 1_000_000;

    /**
     * @param text {@code auto}, {@code off} or microseconds (0 is off)
     * @return the setting
     * @throws IllegalArgumentException naming the accepted values
     */
    static BusyPoll parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("auto")) {
            return new BusyPoll(AUTO);
        }
        if (t.equals("off")) {
            return new BusyPoll(0);
        }
        try {
            long n = Long.parseLong(t);
            if (n >= 0 && n <= MAX_MICROS) {
                return new BusyPoll(n);
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("invalid busyPoll '" + text + "' in " + RingSettings.PID
                + ": expected auto, off or microseconds 0.." + MAX_MICROS + " (e.g. 20000 polls 20 ms after a frame)");
    }

    /**
     * @param virtualMachine whether this is a virtual machine ({@link VirtualMachine#detected()})
     * @param cpus the CPUs the process may run on
     * @return microseconds the worker polls after a frame on such a machine; 0 for none
     */
    long micros(boolean virtualMachine, int cpus) {
        if (micros != AUTO) {
            return micros;
        }
        // On one CPU the worker would poll in the place of the very host whose frame it waits for.
        return virtualMachine && cpus >= 2 ? AUTO_MICROS : 0;
    }

    /** @return the cfg spelling */
    String label() {
        return micros == AUTO ? "auto" : micros == 0 ? "off" : Long.toString(micros);
    }
}
