package dev.ringswitch.shell.internal;

import org.apache.karaf.shell.api.action.Option;

/**
 * Base of the read-only commands: the shared {@code --json} option, for scripts and monitoring.
 */
abstract class ListingCommand extends RingSwitchCommand {

    @Option(name = "--json", description = "Print JSON instead of a table")
    boolean json;
}
