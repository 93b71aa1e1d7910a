package dev.ringswitch.metrics.internal.support;

import dev.ringswitch.api.datapath.DatapathService;
import dev.ringswitch.api.datapath.DatapathStatus;
import dev.ringswitch.api.datapath.ModuleInfo;
import dev.ringswitch.api.datapath.ModuleTiming;

import java.util.List;

/** A {@link DatapathService} returning the status, modules and timings the test sets. */
public final class FakeDatapath implements DatapathService {

    private volatile DatapathStatus status = new DatapathStatus(0, 1024, 0, 0, List.of(), 0);
    private volatile List<ModuleInfo> modules = List.of();
    private volatile List<ModuleTiming> timings = List.of();

    /** @param value the status from now on */
    public void setStatus(DatapathStatus value) {
        status = value;
    }

    /** @param infos the modules from now on @param timingsValue their timings */
    public void setModules(List<ModuleInfo> infos, List<ModuleTiming> timingsValue) {
        modules = List.copyOf(infos);
        timings = List.copyOf(timingsValue);
    }

    @Override
    public DatapathStatus status() {
        return status;
    }

    @Override
    public List<ModuleInfo> modules() {
        return modules;
    }

    @Override
    public List<ModuleTiming> moduleTimings() {
        return timings;
    }
}
