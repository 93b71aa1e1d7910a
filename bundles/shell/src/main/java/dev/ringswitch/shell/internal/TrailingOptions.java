package dev.ringswitch.shell.internal;

import org.apache.karaf.shell.api.action.Option;

import java.lang.reflect.Field;
import java.util.Iterator;
import java.util.List;

/**
 * Applies options typed after a command's arguments, as in {@code port-add tap0 --mtu 9000}.
 *
 * <p>Why: Karaf reads options only before the first argument and rejects the rest with "too many arguments", but
 * operators write (and the issue documents) the name first, as {@code ip} and {@code ovs-vsctl} do. Commands with a
 * positional argument therefore collect what follows it in a multi-valued argument, and this class assigns it to the
 * command's own {@link Option} fields with Karaf's rules: {@code --name value} or {@code --name=value}; a flag needs no
 * value. Options before the argument keep working as in every Karaf command.
 */
final class TrailingOptions {

    /** Name of the multi-valued argument that collects the tokens after a command's own arguments. */
    static final String ARGUMENT = "options";

    /** Its description in the help. */
    static final String DESCRIPTION = "Options may also follow the arguments";

    private TrailingOptions() {
    }

    /**
     * @param command the command whose {@link Option} fields receive the values
     * @param tokens what followed the command's arguments, or {@code null}
     * @throws IllegalArgumentException for an unknown option, a missing or malformed value, or a stray argument
     */
    static void apply(Object command, List<String> tokens) {
        if (tokens == null) {
            return;
        }
        Iterator<String> it = tokens.iterator();
        while (it.hasNext()) {
            String token = String.valueOf(it.next());
            if (!token.startsWith("-")) {
                throw new IllegalArgumentException("too many arguments: '" + token + "' is not an option");
            }
            int eq = token.indexOf('=');
            String name = eq > 0 ? token.substring(0, eq) : token;
            String value = eq > 0 ? token.substring(eq + 1) : null;
            Field field = find(command.getClass(), name);
            Class<?> type = field.getType();
            Object converted;
            if (type == boolean.class || type == Boolean.class) {
                converted = value == null || Boolean.parseBoolean(value);
            } else {
                if (value == null) {
                    if (!it.hasNext()) {
                        throw new IllegalArgumentException("missing value for option " + name);
                    }
                    value = String.valueOf(it.next());
                }
                converted = convert(name, value, type);
            }
            try {
                field.setAccessible(true);
                field.set(command, converted);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot set option " + name + ": " + e.getMessage(), e);
            }
        }
    }

    private static Field find(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                Option option = f.getAnnotation(Option.class);
                if (option != null && (option.name().equals(name) || List.of(option.aliases()).contains(name))) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("undefined option " + name + ": see --help");
    }

    private static Object convert(String name, String value, Class<?> type) {
        if (type == String.class) {
            return value;
        }
        if (type == int.class || type == Integer.class) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option " + name + " needs a whole number, not '" + value + "'", e);
            }
        }
        throw new IllegalStateException("option " + name + " has an unsupported type " + type.getSimpleName());
    }
}
