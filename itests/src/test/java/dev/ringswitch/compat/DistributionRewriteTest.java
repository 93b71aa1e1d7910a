package dev.ringswitch.compat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rewrites, offline, every class of the built distribution that the agent would rewrite at run time, and runs the
 * JDK's ClassFile verifier on the result: a rewrite that produces invalid bytecode fails here, not at boot.
 */
class DistributionRewriteTest {

    @Test
    void everyRewrittenClassOfTheDistributionVerifies() throws Exception {
        Path distribution = Path.of(System.getProperty("ringswitch.distribution", "target/distribution"));
        List<Path> jars;
        try (Stream<Path> files = Files.walk(distribution)) {
            jars = files.filter(p -> p.toString().endsWith(".jar") && !p.toString().contains("/instances/"))
                    .toList();
        }
        assertTrue(jars.size() > 50, "expected the distribution's jars, found " + jars.size());
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = jars.get(i).toUri().toURL();
        }
        Set<String> rewritten = new TreeSet<>();
        List<String> failures = new ArrayList<>();
        try (URLClassLoader everything = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            ClassFile verifier = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.ofResourceParsing(everything)
                            .orElse(ClassHierarchyResolver.defaultResolver())));
            for (Path jar : jars) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    Enumeration<JarEntry> entries = file.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry entry = entries.nextElement();
                        if (!entry.getName().endsWith(".class") || entry.getName().startsWith("META-INF/")) {
                            continue;
                        }
                        byte[] bytes;
                        try (InputStream in = file.getInputStream(entry)) {
                            bytes = in.readAllBytes();
                        }
                        String name = entry.getName().substring(0, entry.getName().length() - ".class".length());
                        byte[] out = SubjectRewriter.patch(everything, name, bytes);
                        if (out == null) {
                            continue;
                        }
                        rewritten.add(name);
                        List<VerifyError> errors = verifier.verify(out);
                        if (!errors.isEmpty()) {
                            failures.add(jar.getFileName() + "!" + name + ": " + errors);
                        }
                    }
                } catch (IOException e) {
                    failures.add(jar + ": " + e);
                }
            }
        }
        assertTrue(failures.isEmpty(), () -> "rewritten classes that do not verify:\n" + String.join("\n", failures));
        // The three rule targets, plus call sites of getSubject that boot and the shell depend on.
        for (String target : List.of(SubjectRewriter.JAAS_HELPER, SubjectRewriter.CONSOLE_SESSION,
                SubjectRewriter.SECURED_COMMAND, "org/apache/karaf/jaas/command/WhoamiCommand",
                "org/apache/felix/eventadmin/impl/handler/EventAdminImpl",
                "org/apache/karaf/shell/impl/console/osgi/secured/SecuredSessionFactoryImpl")) {
            assertTrue(rewritten.contains(target), () -> target + " was not rewritten; rewritten: " + rewritten);
        }
    }
}
