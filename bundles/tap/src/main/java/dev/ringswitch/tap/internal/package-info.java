/**
 * The TAP bundle's implementation: {@link dev.ringswitch.tap.internal.TapPortProvider}, the DS component that
 * registers the {@link dev.ringswitch.api.port.PortProvider} service, the {@code TapPort} over a
 * {@code /dev/net/tun} descriptor, and the epoll {@code ReadinessSelector}. Private to the bundle: everything else
 * reaches it through the api's port SPI.
 */
package dev.ringswitch.tap.internal;
