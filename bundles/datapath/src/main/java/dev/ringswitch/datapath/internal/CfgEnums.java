package dev.ringswitch.datapath.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The cfg spelling of the datapath's enumerated settings: the constant's name in lower case with dashes, e.g.
 * {@code LITE_BLOCKING} is {@code lite-blocking}.
 */
final class CfgEnums {

    private CfgEnums() {
    }

    /**
     * @param value a constant
     * @return its cfg spelling
     */
    static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param values every constant of the setting
     * @param key the setting's key in {@value RingSettings#PID}, for the message
     * @param text the cfg value, case and surrounding blanks ignored
     * @param <E> the setting's type
     * @return the constant
     * @throws IllegalArgumentException naming the key, the value and the accepted values
     */
    static <E extends Enum<E>> E parse(E[] values, String key, String text) {
        return parse(values, key, text, CfgEnums::label);
    }

    /**
     * As {@link #parse(Enum[], String, String)}, for a setting spelt otherwise than {@link #label}. A hyphen in the
     * value may stand for an underscore of the spelling ({@code io-uring} for {@code io_uring}); {@link #label} has
     * no underscores, so this widens nothing for the settings spelt by it.
     *
     * @param label a constant's cfg spelling
     */
    static <E extends Enum<E>> E parse(E[] values, String key, String text, Function<E, String> label) {
        String wanted = text == null ? "" : text.trim();
        String underscored = wanted.replace('-', '_');
        for (E value : values) {
            String spelling = label.apply(value);
            if (spelling.equalsIgnoreCase(wanted) || spelling.equalsIgnoreCase(underscored)) {
                return value;
            }
        }
        throw new IllegalArgumentException("invalid " + key + " '" + text + "' in " + RingSettings.PID
                + ": expected one of " + Arrays.stream(values).map(label).collect(Collectors.joining(", ")));
    }
}
