/**
 * Service fakes for the command tests: in-memory stand-ins that record what the commands asked and answer as the real
 * services do, including their error messages where a command test relies on them.
 */
package dev.ringswitch.shell.internal.support;
