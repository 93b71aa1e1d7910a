package dev.ringswitch.shell.internal.support;

import dev.ringswitch.api.datapath.DatapathService;
import dev.ringswitch.api.datapath.DatapathStatus;
import dev.ringswitch.api.datapath.ModuleInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link DatapathService} answering with the status and modules the test sets.
 */
public final class FakeDatapath implements DatapathService {

    private final List<ModuleInfo> modules = new ArrayList<>();
    private DatapathStatus status = new DatapathStatus(0, 0, 0, 0, List.of(), 0);

    /** @param value what {@link #status()} answers */
    public void status(DatapathStatus value) {
        status = value;
    }

    /** @param module appended to the pipeline */
    public void add(ModuleInfo module) {
        modules.add(module);
    }

    @Override
    public DatapathStatus status() {
        return status;
    }

    @Override
    public List<ModuleInfo> modules() {
        return List.copyOf(modules);
    }
}
