package dev.ringswitch.datapath.internal.support;

import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.module.Frame;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A forwarding module for tests: runs an action per frame and counts what the datapath calls.
 */
public class TestModule implements ForwardingModule {

    private final String name;
    private final Band band;
    private final int priority;
    private final Consumer<Frame> action;
    /** Frames passed to {@link #process}. */
    public final AtomicLong processed = new AtomicLong();
    /** Calls of {@link #onStart}. */
    public final AtomicInteger starts = new AtomicInteger();
    /** Calls of {@link #onStop}. */
    public final AtomicInteger stops = new AtomicInteger();
    /** Calls of {@link #onBatchStart}. */
    public final AtomicInteger batches = new AtomicInteger();
    /** Name of the last thread that called {@link #onStart}. */
    public volatile String startThread;

    /**
     * @param name the module name
     * @param band the band
     * @param priority the priority
     * @param action what to do per frame
     */
    public TestModule(String name, Band band, int priority, Consumer<Frame> action) {
        this.name = name;
        this.band = band;
        this.priority = priority;
        this.action = action;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Band band() {
        return band;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public void process(Frame frame) {
        processed.incrementAndGet();
        action.accept(frame);
    }

    @Override
    public void onBatchStart() {
        batches.incrementAndGet();
    }

    @Override
    public void onStart() {
        startThread = Thread.currentThread().getName();
        starts.incrementAndGet();
    }

    @Override
    public void onStop() {
        stops.incrementAndGet();
    }
}
