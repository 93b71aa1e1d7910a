package dev.ringswitch.api.datapath;

import dev.ringswitch.api.module.Band;

/**
 * A forwarding module as the datapath sees it.
 *
 * @param name the module's name
 * @param bundle the symbolic name and version of the bundle that registered it
 * @param band its pipeline band
 * @param position its place in the pipeline, 1 = first
 * @param state whether it runs
 * @param frames frames it has processed
 * @param drops frames it dropped (including for its exceptions)
 * @param exceptions exceptions it threw
 * @param meanNanosPerFrame mean processing time per frame, in nanoseconds
 */
public record ModuleInfo(String name, String bundle, Band band, int position, State state, long frames, long drops,
                         long exceptions, double meanNanosPerFrame) {

    /** Whether a module runs. */
    public enum State {
        /** In the pipeline. */
        ACTIVE,
        /** Isolated after repeated failures or a stall: skipped by the pipeline until re-deployed. */
        FAILED
    }
}
