package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.module.Frame;

/**
 * The worker's calls into modules, from one call site per pipeline position.
 *
 * <p>Why: a single {@code module.process(frame)} in the worker's loop sees every module's class, so the JIT compiles
 * it as a megamorphic interface call, which on each call looks the method up in the receiver's class metadata (4 KiB
 * pages that little else on a frame's path touches). On the sparse frames that set latency (a ping every 10 ms) a
 * module's pass over one frame took over 2.5 us up to one time in ten; with a site per position, far fewer did
 * (bench/README.md, "a call site per module"; that the lookups missed the caches and the TLB is the reading those
 * numbers fit, not a measurement of it). A call site per position sees one class as long as the pipeline keeps its
 * order, so the JIT inlines the module behind a check of the object's class word. Positions past {@link #SITES}
 * share the last site, as all did before.
 */
final class ModuleCalls {

    /** Positions with a call site of their own; pipelines are short (the shipped one has three modules). */
    static final int SITES = 8;

    private ModuleCalls() {
    }

    static void process(int site, ForwardingModule module, Frame frame) {
        switch (site) {
            case 0 -> module.process(frame);
            case 1 -> module.process(frame);
            case 2 -> module.process(frame);
            case 3 -> module.process(frame);
            case 4 -> module.process(frame);
            case 5 -> module.process(frame);
            case 6 -> module.process(frame);
            default -> module.process(frame);
        }
    }

    static void onBatchStart(int site, ForwardingModule module) {
        switch (site) {
            case 0 -> module.onBatchStart();
            case 1 -> module.onBatchStart();
            case 2 -> module.onBatchStart();
            case 3 -> module.onBatchStart();
            case 4 -> module.onBatchStart();
            case 5 -> module.onBatchStart();
            case 6 -> module.onBatchStart();
            default -> module.onBatchStart();
        }
    }

    static void onBatchEnd(int site, ForwardingModule module) {
        switch (site) {
            case 0 -> module.onBatchEnd();
            case 1 -> module.onBatchEnd();
            case 2 -> module.onBatchEnd();
            case 3 -> module.onBatchEnd();
            case 4 -> module.onBatchEnd();
            case 5 -> module.onBatchEnd();
            case 6 -> module.onBatchEnd();
            default -> module.onBatchEnd();
        }
    }
}
