package dev.ringswitch.tap.internal;

import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.PortIoBatch;
import dev.ringswitch.api.port.PortProvider;
import dev.ringswitch.api.port.ReadinessSelector;
import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.api.port.ThreadPlacement;
import dev.ringswitch.tap.internal.ffm.LibC;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link PortProvider} over {@code /dev/net/tun}: opens TAP ports and epoll selectors through Panama FFM.
 *
 * <p>It keeps track of what it opened: ports and selectors remove themselves when closed, and whatever is still open
 * when the component is deactivated (the bundle stops) is closed then, so that stopping the bundle leaks no fd and
 * leaves no non-persistent interface behind.
 *
 * <p>Outside OSGi (the datapath's plain JUnit tests use it as a test-scoped dependency) construct it with
 * {@code new TapPortProvider()} and call {@link #deactivate()} when done; {@link #activate()} only logs.
 */
@Component(service = PortProvider.class)
public class TapPortProvider implements PortProvider {

    private static final Logger LOG = LoggerFactory.getLogger(TapPortProvider.class);

    private final Set<NativeTapPort> ports = ConcurrentHashMap.newKeySet();
    private final Set<EpollReadinessSelector> selectors = ConcurrentHashMap.newKeySet();
    private final Set<IoUringBatch> batches = ConcurrentHashMap.newKeySet();
    /** Whether the kernel refused io_uring once already: then it is not asked again, and said once. */
    private volatile boolean ioUringRefused;

    /** Creates a provider; usable without a framework. */
    public TapPortProvider() {
    }

    /** Logs that the provider is available. */
    @Activate
    public void activate() {
        LOG.info("Started");
    }

    /** Closes every port and selector this provider opened that is still open. */
    @Deactivate
    public void deactivate() {
        List<NativeTapPort> open = List.copyOf(ports);
        for (NativeTapPort port : open) {
            port.close();
        }
        for (EpollReadinessSelector selector : List.copyOf(selectors)) {
            selector.close();
        }
        for (IoUringBatch batch : List.copyOf(batches)) {
            batch.close();
        }
        LOG.info("Stopped ({} open port(s) closed)", open.size());
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the name is invalid; nothing was done
     * @throws PortException.PermissionDenied without CAP_NET_ADMIN or /dev/net/tun
     * @throws PortException.NameInUse if another process or device holds the name
     */
    @Override
    public TapPort open(PortConfig config) {
        Objects.requireNonNull(config, "port config");
        NativeTapPort port = NativeTapPort.open(config, this::closed);
        ports.add(port);
        LOG.info("{}: opened (ifindex {}, flags 0x{}{})", port.name(), port.ifIndex(),
                Integer.toHexString(port.flags()), config.persistent() ? ", persistent" : "");
        return port;
    }

    @Override
    public ReadinessSelector openSelector() {
        EpollReadinessSelector selector = new EpollReadinessSelector(selectors::remove);
        selectors.add(selector);
        return selector;
    }

    /**
     * {@inheritDoc} On {@code io_uring} where the kernel allows it; where it does not (a seccomp filter, the
     * {@code kernel.io_uring_disabled} sysctl, an old kernel) the batch runs one syscall per operation, and the reason
     * is logged once.
     */
    @Override
    public PortIoBatch openBatch(int capacity) {
        if (!ioUringRefused) {
            try {
                IoUringBatch batch = new IoUringBatch(capacity, batches::remove);
                batches.add(batch);
                return batch;
            } catch (PortException e) {
                ioUringRefused = true;
                LOG.warn("io_uring is not available ({}): frame I/O falls back to one read or write syscall per"
                        + " frame (slower for small frames); allow io_uring (sysctl kernel.io_uring_disabled=0, no"
                        + " seccomp filter on io_uring_setup) and restart the datapath to use it", e.getMessage());
            }
        }
        return PortIoBatch.sequential(capacity);
    }

    @Override
    public BitSet allowedCpus() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = LibC.allocateErrnoState(arena);
            MemorySegment mask = arena.allocate(LibC.CPU_SET_BYTES);
            if (LibC.schedGetaffinity(state, 0, mask) != 0) {
                return new BitSet();
            }
            return CpuAffinityPlacement.cpus(mask);
        }
    }

    @Override
    public TapPort[] openLoopbackPair() {
        return NativeTapPort.loopbackPair("rs-probe");
    }

    @Override
    public ThreadPlacement openThreadPlacement() {
        return new CpuAffinityPlacement();
    }

    @Override
    public long collapseIntoHugePages() {
        try {
            HugePageCollapse.Result r = HugePageCollapse.collapse();
            LOG.debug("huge pages: {} MiB of anonymous memory mapped huge, {} MiB refused by the kernel, {} MiB less"
                    + " than half in use", r.huge() >> 20, r.refused() >> 20, r.sparse() >> 20);
            return r.huge();
        } catch (IOException e) {
            LOG.debug("huge pages: cannot read this process's mappings ({})", e.getMessage());
            return 0;
        }
    }

    /** @return how many ports this provider opened that are still open */
    public int openPortCount() {
        return ports.size();
    }

    private void closed(NativeTapPort port) {
        ports.remove(port);
        LOG.info("{}: closed", port.name());
    }
}
