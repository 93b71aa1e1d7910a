package dev.ringswitch.compat;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * The {@code -javaagent} entry point: hands every class that a non-JDK class loader defines to
 * {@link SubjectRewriter}.
 *
 * <p>An agent rather than an OSGi WeavingHook because it is in place before the first Karaf class loads, whatever
 * the start order or the state of the bundle cache; and Felix silently disables a WeavingHook that throws, after
 * which Karaf half-boots without SSH.
 */
public final class CompatAgent implements ClassFileTransformer {

    /** System property listing the rewritten classes; also marks that the agent is installed. */
    public static final String PATCHED_PROPERTY = "karaf.jdk25compat.patched";

    private final boolean verbose;

    private CompatAgent(boolean verbose) {
        this.verbose = verbose;
    }

    /**
     * Installs the transformer.
     *
     * @param args {@code verbose} to print each rewritten class to stderr
     * @param instrumentation from the JVM
     */
    public static void premain(String args, Instrumentation instrumentation) {
        if (System.getProperty(PATCHED_PROPERTY) != null) {
            // bin/start sources setenv and bin/karaf sources it again: a second agent would rewrite rewritten
            // classes, and a duplicate method breaks shell.core after a restart.
            return;
        }
        System.setProperty(PATCHED_PROPERTY, "");
        SubjectRewriter.selfTest();
        instrumentation.addTransformer(new CompatAgent(args != null && args.contains("verbose")));
    }

    @Override
    public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
                            byte[] bytes) {
        if (loader == null || redefined != null || name == null || name.startsWith("dev/ringswitch/compat/")
                || loader == ClassLoader.getPlatformClassLoader()) {
            return null;
        }
        byte[] out = SubjectRewriter.patch(loader, name, bytes);
        if (out != null && verbose) {
            System.err.println("[ringswitch-compat] rewrote " + name + " in " + loader);
        }
        return out;
    }
}
