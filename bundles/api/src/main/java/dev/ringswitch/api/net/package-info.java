/**
 * Value types for Ethernet and IP addressing, validated at construction so that a bad value never reaches a syscall.
 */
@Export
@Version("1.0.0")
package dev.ringswitch.api.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
