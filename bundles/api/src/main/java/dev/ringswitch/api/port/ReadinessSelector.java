package dev.ringswitch.api.port;

/**
 * Waits until one or more ports have frames to read (epoll underneath), so that one thread can serve many ports.
 * Level-triggered: a port with frames left after a partial drain is reported again.
 *
 * <p>{@link #select} is called by one thread; {@link #register}, {@link #deregister} and {@link #wakeup} may be
 * called from any thread.
 */
public interface ReadinessSelector extends AutoCloseable {

    /**
     * Starts watching a port for readable frames.
     *
     * @param port an open port
     * @param token a small non-negative number returned by {@link #select} when the port is readable
     */
    void register(TapPort port, int token);

    /**
     * Stops watching a port. Harmless if the port is not registered or already closed.
     *
     * @param port the port
     */
    void deregister(TapPort port);

    /**
     * Waits for readable ports.
     *
     * @param readyTokens filled with the tokens of readable ports
     * @param timeoutMillis how long to wait at most; 0 polls, -1 waits indefinitely
     * @return the number of tokens written (0 on timeout or wakeup)
     */
    int select(int[] readyTokens, int timeoutMillis);

    /** Makes a blocked or the next {@link #select} call return promptly. */
    void wakeup();

    /** Releases the epoll and eventfd descriptors. Idempotent. */
    @Override
    void close();
}
