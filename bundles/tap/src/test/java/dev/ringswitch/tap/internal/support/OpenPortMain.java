package dev.ringswitch.tap.internal.support;

import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.tap.internal.TapPortProvider;

/**
 * Child-process entry point for the capability test: opens one port and reports on standard output what happened,
 * as {@code OPENED <name>} or {@code FAILED <exception class>} followed by the message on the next line.
 */
public final class OpenPortMain {

    private OpenPortMain() {
    }

    /**
     * @param args the interface name to open
     */
    public static void main(String[] args) {
        TapPortProvider provider = new TapPortProvider();
        try (TapPort port = provider.open(PortConfig.of(args[0]))) {
            System.out.println("OPENED " + port.name());
        } catch (PortException e) {
            System.out.println("FAILED " + e.getClass().getName());
            System.out.println(e.getMessage());
        }
    }
}
