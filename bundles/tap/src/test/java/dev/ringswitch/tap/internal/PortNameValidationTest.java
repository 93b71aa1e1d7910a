package dev.ringswitch.tap.internal;

import dev.ringswitch.api.port.PortConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad names fail with a precise message before any syscall: these tests need no privileges, and nothing reaches
 * the kernel (no port is counted as opened).
 */
class PortNameValidationTest {

    private final TapPortProvider provider = new TapPortProvider();

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "rst-0123456789ab | 16 bytes, Linux allows at most 15 (IFNAMSIZ)",
        "rst/a0           | character '/' is not allowed",
        "rst:a0           | character ':' is not allowed",
        "\"rst a0\"       | character ' ' is not allowed",
        "\"rst\ta0\"      | character '\\u0009' is not allowed",
        "..               | reserved by Linux",
    })
    void shouldRejectInvalidNamesBeforeAnySyscall(String name, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider.open(PortConfig.of(name)));

        assertTrue(e.getMessage().startsWith("invalid port name '" + name + "': "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(0, provider.openPortCount());
    }

    @Test
    void shouldRejectAnEmptyName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider.open(PortConfig.of("")));
        assertTrue(e.getMessage().startsWith("port name is empty"), e.getMessage());
    }
}
