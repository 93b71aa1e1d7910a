package dev.ringswitch.api.module;

/**
 * A forwarding module: an OSGi service that the datapath discovers and runs on its ring thread.
 *
 * <p>Contract, in the spirit of the Disruptor's event handlers:
 * <ul>
 *   <li>{@link #process} is called for every frame in ring order, on one datapath thread, never concurrently with
 *       itself. It must not block, allocate per frame, or keep a reference to the frame after returning.</li>
 *   <li>A module may read and rewrite the frame, narrow {@link Frame#egress()}, or {@link Frame#drop drop} it with a
 *       reason. Only the egress set's ports receive the frame.</li>
 *   <li>An exception drops that frame (reason {@link DropReason#MODULE_ERROR}), is counted against the module and
 *       logged with a rate limit; the ring keeps running. A module that keeps failing is isolated (skipped).</li>
 *   <li>Modules arrive and leave between batches: a module never sees half a batch.</li>
 * </ul>
 * Register with the service property {@code ringswitch.module.name} equal to {@link #name()} so that tools can find
 * it without calling into the module.
 */
public interface ForwardingModule {

    /** @return a short stable name, e.g. {@code l2-learning}; unique within the switch */
    String name();

    /** @return the pipeline band */
    Band band();

    /** @return order within the band, lower first; default 0 */
    default int priority() {
        return 0;
    }

    /**
     * Handles one frame.
     *
     * @param frame the ring slot's frame, valid only during the call
     */
    void process(Frame frame);

    /** Called before the first frame of a batch: a place to take a per-batch guard or read the clock once. */
    default void onBatchStart() {
    }

    /** Called after the last frame of a batch: a place for work that should not be done per frame. */
    default void onBatchEnd() {
    }

    /** Called on the datapath thread before the first frame this module sees. */
    default void onStart() {
    }

    /** Called on the datapath thread after the last frame this module sees. */
    default void onStop() {
    }
}
