/**
 * The datapath's operator view: ring status and the forwarding modules in the pipeline.
 */
@Export
@Version("1.2.0")
package dev.ringswitch.api.datapath;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
