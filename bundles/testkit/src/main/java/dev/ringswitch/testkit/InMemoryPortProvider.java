package dev.ringswitch.testkit;

import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.PortProvider;
import dev.ringswitch.api.port.ReadinessSelector;
import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.api.port.ThreadPlacement;

import java.util.BitSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link PortProvider} that opens {@link InMemoryTapPort}s: the datapath and its modules can be tested and
 * benchmarked without root or a kernel.
 *
 * <p>Behaves like the TAP provider where tests look: {@code %d} name patterns are resolved, a name that is open
 * already fails with {@link PortException.NameInUse}, link settings of the config are applied on open, and
 * {@link #failNextOpen} makes the next open fail as the kernel would.
 */
public final class InMemoryPortProvider implements PortProvider {

    /** Frames each direction of a port holds unless configured otherwise. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;
    /** Largest frame a port carries unless configured otherwise, in bytes (MTU 9000 plus two tags). */
    public static final int DEFAULT_SLOT_SIZE = 9024;
    /** MTU of a port opened with {@code mtu == 0}, as the kernel's default. */
    public static final int DEFAULT_MTU = 1500;

    private static final int EBUSY = 16;

    private final int queueCapacity;
    private final int slotSize;
    private final Map<String, InMemoryTapPort> ports = new ConcurrentHashMap<>();
    private final AtomicInteger nextIfIndex = new AtomicInteger(100);
    private final AtomicInteger nextMac = new AtomicInteger(1);
    private final AtomicReference<PortException> nextFailure = new AtomicReference<>();
    private volatile int cpus;
    /** Where the thread that last opened a placement is bound, -1 if nowhere (see {@link #simulateCpus}). */
    private volatile int boundCpu = -1;
    private final AtomicInteger placementMoves = new AtomicInteger();

    /** A provider with {@link #DEFAULT_QUEUE_CAPACITY} and {@link #DEFAULT_SLOT_SIZE}. */
    public InMemoryPortProvider() {
        this(DEFAULT_QUEUE_CAPACITY, DEFAULT_SLOT_SIZE);
    }

    /**
     * @param queueCapacity frames each direction of a port holds
     * @param slotSize the largest frame in bytes
     */
    public InMemoryPortProvider(int queueCapacity, int slotSize) {
        this.queueCapacity = queueCapacity;
        this.slotSize = slotSize;
    }

    @Override
    public TapPort open(PortConfig config) {
        PortException failure = nextFailure.getAndSet(null);
        if (failure != null) {
            throw failure;
        }
        String name = resolve(config.name());
        InMemoryTapPort existing = ports.get(name);
        if (existing != null && !existing.isClosed()) {
            throw new PortException.NameInUse(name, "ioctl(TUNSETIFF)", EBUSY, name
                    + ": ioctl(TUNSETIFF) failed: EBUSY (Device or resource busy): the interface is open already");
        }
        MacAddress mac = config.mac() != null ? config.mac()
                : new MacAddress(0x0200_0000_0000L | nextMac.getAndIncrement());
        InMemoryTapPort port = new InMemoryTapPort(name, nextIfIndex.getAndIncrement(), queueCapacity, slotSize,
                config.mtu() == 0 ? DEFAULT_MTU : config.mtu(), mac, config.persistent());
        port.setIpv4(config.ipv4());
        port.setUp(config.up());
        ports.put(name, port);
        return port;
    }

    private String resolve(String pattern) {
        if (!pattern.contains("%d")) {
            return pattern;
        }
        for (int i = 0; ; i++) {
            String candidate = pattern.replace("%d", Integer.toString(i));
            InMemoryTapPort existing = ports.get(candidate);
            if (existing == null || existing.isClosed()) {
                return candidate;
            }
        }
    }

    @Override
    public ReadinessSelector openSelector() {
        return new InMemoryReadinessSelector();
    }

    /**
     * @param name an interface name
     * @return the port most recently opened under that name (possibly closed since)
     */
    public Optional<InMemoryTapPort> port(String name) {
        return Optional.ofNullable(ports.get(name));
    }

    /**
     * @param name an interface name
     * @return the port most recently opened under that name
     * @throws IllegalArgumentException if none was opened
     */
    public InMemoryTapPort require(String name) {
        return port(name).orElseThrow(() -> new IllegalArgumentException("no in-memory port " + name
                + " was opened"));
    }

    /** @param failure thrown by the next {@link #open} instead of opening */
    public void failNextOpen(PortException failure) {
        nextFailure.set(failure);
    }

    /**
     * Makes {@link #allowedCpus} report CPUs 0 to {@code count - 1}, and the placements this provider opens record
     * where their thread binds itself ({@link #boundCpu}) instead of moving it. Without this call the provider, like
     * the API's default, knows no CPUs and cannot move threads.
     *
     * @param count the CPUs to report
     */
    public void simulateCpus(int count) {
        cpus = count;
    }

    /** @return the CPU the thread that last opened a placement has bound itself to, or -1 if it is not bound */
    public int boundCpu() {
        return boundCpu;
    }

    /** @return the binds and releases through this provider's placements so far */
    public int placementMoves() {
        return placementMoves.get();
    }

    @Override
    public BitSet allowedCpus() {
        BitSet set = new BitSet();
        set.set(0, cpus);
        return set;
    }

    @Override
    public ThreadPlacement openThreadPlacement() {
        if (cpus == 0) {
            return ThreadPlacement.UNSUPPORTED;
        }
        boundCpu = -1;
        return new ThreadPlacement() {
            @Override
            public boolean bind(int cpu) {
                if (cpu < 0 || cpu >= cpus) {
                    throw new IllegalArgumentException("CPU " + cpu + " is outside 0.." + (cpus - 1));
                }
                boundCpu = cpu;
                placementMoves.incrementAndGet();
                return true;
            }

            @Override
            public boolean release() {
                boundCpu = -1;
                placementMoves.incrementAndGet();
                return true;
            }

            @Override
            public void close() {
                // holds nothing
            }
        };
    }
}
