package dev.ringswitch.datapath.internal;

import java.util.Arrays;
import java.util.Locale;
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
        String wanted = text == null ? "" : text.trim();
        for (E value : values) {
            if (label(value).equalsIgnoreCase(wanted)) {
                return value;
            }
        }
        throw new IllegalArgumentException("invalid " + key + " '" + text + "' in " + RingSettings.PID
                + ": expected one of " + Arrays.stream(values).map(CfgEnums::label).collect(Collectors.joining(", ")));
    }
}
