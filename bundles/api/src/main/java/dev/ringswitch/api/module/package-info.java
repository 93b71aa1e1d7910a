/**
 * The forwarding-module SPI. A module is an OSGi service implementing
 * {@link dev.ringswitch.api.module.ForwardingModule}; the datapath runs every frame of the ring through the modules in
 * band order ({@link dev.ringswitch.api.module.Band}: advisors, then directors, then observers), each module seeing the
 * ring slot's {@link dev.ringswitch.api.module.Frame} in place.
 */
@Export
@Version("1.2.0")
package dev.ringswitch.api.module;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
