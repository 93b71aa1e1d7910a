/**
 * Ports: the operator-facing {@link dev.ringswitch.api.port.PortService} (queries and events) and
 * {@link dev.ringswitch.api.port.PortAdminService} (create, remove, reconfigure), and underneath them the
 * {@link dev.ringswitch.api.port.PortProvider} SPI through which the TAP bundle opens kernel devices.
 */
@Export
@Version("2.1.0")
package dev.ringswitch.api.port;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
