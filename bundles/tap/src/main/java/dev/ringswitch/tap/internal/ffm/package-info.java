/**
 * Panama FFM bindings for TAP devices: the downcall holder {@link dev.ringswitch.tap.internal.ffm.LibC} (its class
 * comment is the design essay), hand-written Linux constants, {@code MemoryLayout}s of {@code ifreq},
 * {@code sockaddr_in} and {@code epoll_event}, the errno-to-exception mapping, and the control-path ioctls. Nothing
 * here knows about OSGi; nothing outside this bundle sees it.
 */
package dev.ringswitch.tap.internal.ffm;
