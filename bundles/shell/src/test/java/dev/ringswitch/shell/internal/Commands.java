package dev.ringswitch.shell.internal;

import org.apache.karaf.shell.support.CommandException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Runs commands as Karaf would, capturing what they print.
 */
final class Commands {

    private Commands() {
    }

    /**
     * @param command a command with its fields (arguments, options, references) set
     * @return what it printed
     * @throws Exception if it failed
     */
    static String run(RingSwitchCommand command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            command.execute(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * @param command a command expected to refuse
     * @return its one-line error message
     */
    static String fail(RingSwitchCommand command) {
        CommandException e = assertThrows(CommandException.class, () -> run(command));
        assertFalse(e.getMessage().contains("\n"), () -> "more than one line: " + e.getMessage());
        return e.getMessage();
    }
}
