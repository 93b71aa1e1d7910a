package dev.ringswitch.api.port;

/**
 * Binds the thread that opened it to one CPU and releases it again, as often as its load asks: a datapath thread
 * keeps its caches on one CPU while bulk traffic flows and lets the scheduler run it next to the hosts that wake it
 * when traffic is sparse. A move is one system call and allocates nothing, so it may happen between two bursts.
 * Used by the thread that opened it only.
 */
public interface ThreadPlacement extends AutoCloseable {

    /** A placement that cannot move the thread: {@link #bind} and {@link #release} return {@code false}. */
    ThreadPlacement UNSUPPORTED = new ThreadPlacement() {
        @Override
        public boolean bind(int cpu) {
            return false;
        }

        @Override
        public boolean release() {
            return false;
        }

        @Override
        public void close() {
            // holds nothing
        }
    };

    /**
     * @param cpu the CPU number
     * @return whether the thread is now bound to that CPU
     * @throws IllegalArgumentException if no CPU can have that number
     * @throws PortException if the kernel refuses, naming the errno and the fix
     */
    boolean bind(int cpu);

    /**
     * Lets the thread run on every CPU it could run on when this placement was opened.
     *
     * @return whether it now may
     * @throws PortException if the kernel refuses, naming the errno
     */
    boolean release();

    /** Frees what the placement holds; the thread stays where it is. */
    @Override
    void close();
}
