package dev.ringswitch.shell.internal;

import dev.ringswitch.api.port.PortException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;
import java.lang.reflect.Field;
import java.util.List;

/**
 * Base of every {@code ringswitch} command: runs the command and turns the api's "bad input" exceptions into a
 * {@link CommandException}.
 *
 * <p>Why: Karaf prints any exception as "Error executing command: message", but logs every exception other than a
 * {@code CommandException} at ERROR with its stack trace. An operator's typo is not a server error, so the messages
 * that the api and the services already phrase for the operator ({@link IllegalArgumentException},
 * {@link IllegalStateException}, {@link PortException}) travel as a {@code CommandException}: the same one line on the
 * console, a non-zero exit status over SSH, and nothing but a DEBUG line in the log. Anything else is a bug and keeps
 * Karaf's ERROR logging.
 */
abstract class RingSwitchCommand implements Action {

    @Override
    public final Object execute() throws Exception {
        return execute(System.out);
    }

    /**
     * Runs the command, printing to {@code out}.
     *
     * @param out where to print (Karaf binds {@code System.out} to the calling session; tests pass their own)
     * @return nothing: commands print their results
     * @throws CommandException carrying the api's one-line message for bad input or a refused operation
     * @throws Exception anything else, which Karaf logs as an error
     */
    final Object execute(PrintStream out) throws Exception {
        try {
            TrailingOptions.apply(this, trailing());
            run(out);
            return null;
        } catch (IllegalArgumentException | IllegalStateException | PortException e) {
            throw new CommandException(e.getMessage(), e);
        }
    }

    /**
     * @return the tokens after the command's arguments: the value of its multi-valued {@code @Argument} named
     *         {@value TrailingOptions#ARGUMENT} (see {@link TrailingOptions}), or {@code null} if it has none
     */
    @SuppressWarnings("unchecked")
    List<String> trailing() {
        for (Class<?> c = getClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                Argument a = f.getAnnotation(Argument.class);
                if (a != null && a.multiValued() && TrailingOptions.ARGUMENT.equals(a.name())) {
                    try {
                        f.setAccessible(true);
                        return (List<String>) f.get(this);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("cannot read " + f + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        return null;
    }

    /**
     * Does the command's work.
     *
     * @param out where to print
     * @throws Exception anything; the api's validation exceptions become one-line errors
     */
    abstract void run(PrintStream out) throws Exception;

    /**
     * Checks that an optional module's service is present.
     *
     * @param service the injected service, or {@code null} when its module is not installed
     * @param module the module's name for the operator, e.g. "L2 learning"
     * @param feature the feature that installs it
     * @param <T> the service type
     * @return the service
     * @throws IllegalStateException naming the feature to install
     */
    static <T> T require(T service, String module, String feature) {
        if (service == null) {
            throw new IllegalStateException(module + " module is not installed; run feature:install " + feature);
        }
        return service;
    }
}
