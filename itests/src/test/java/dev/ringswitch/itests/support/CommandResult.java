package dev.ringswitch.itests.support;

/**
 * What a shell command printed over SSH.
 *
 * @param command the command line
 * @param out standard output
 * @param err standard error
 * @param exitStatus the channel's exit status, or -1 if none was sent
 */
public record CommandResult(String command, String out, String err, int exitStatus) {

    /** @return stdout and stderr together, for assertions that do not care which */
    public String all() {
        return out + err;
    }

    @Override
    public String toString() {
        return "'" + command + "' exit=" + exitStatus + "\n--- out ---\n" + out + "\n--- err ---\n" + err;
    }
}
