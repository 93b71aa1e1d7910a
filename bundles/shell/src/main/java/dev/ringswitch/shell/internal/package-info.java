/**
 * The {@code ringswitch} console commands and their completers. Each command is a thin adapter: it parses its
 * arguments with the api's value types, calls one api service, and prints the result with Karaf's
 * {@link org.apache.karaf.shell.support.table.ShellTable} (or as JSON with {@code --json}). Validation and its messages
 * live in the api and the services; {@link dev.ringswitch.shell.internal.RingSwitchCommand} turns their exceptions into
 * one-line command errors. Private: the bundle exports nothing.
 */
package dev.ringswitch.shell.internal;
