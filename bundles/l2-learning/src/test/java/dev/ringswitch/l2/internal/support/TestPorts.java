package dev.ringswitch.l2.internal.support;

import dev.ringswitch.testkit.FakePortService;

/**
 * The port layouts the tests use.
 */
public final class TestPorts {

    private TestPorts() {
    }

    /**
     * @param count how many ports
     * @return a port service with ports {@code tap1}..{@code tapN}, numbered 1..N
     */
    public static FakePortService taps(int count) {
        FakePortService ports = new FakePortService();
        for (int i = 1; i <= count; i++) {
            ports.add("tap" + i, i);
        }
        return ports;
    }
}
