package dev.ringswitch.l2.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Builds {@link L2Config} instances the way DS does: a property map over the annotation's defaults.
 */
final class Configs {

    private Configs() {
    }

    /** @return the defaults, as DS would pass them without a configuration */
    static L2Config defaults() {
        return of(Map.of());
    }

    /**
     * @param properties property values by name ({@code agingSeconds}, {@code maxEntries}); the rest default
     * @return the configuration
     */
    static L2Config of(Map<String, Object> properties) {
        return (L2Config) Proxy.newProxyInstance(L2Config.class.getClassLoader(), new Class<?>[] {L2Config.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> L2Config.class;
                    case "toString" -> "L2Config" + properties;
                    case "hashCode" -> properties.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> properties.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }
}
