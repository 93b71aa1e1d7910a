package dev.ringswitch.tap.internal.ffm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Work in the network namespace a TAP was moved to. {@code setns(2)} moves only the calling thread, so the work runs
 * on a thread started for it, which joins the namespace, does it and ends: no thread that runs anything else ever
 * sits in a foreign namespace. Sockets and file descriptors opened there stay bound to it after the thread ended, and
 * {@code /proc/thread-self/net} shows the calling thread's namespace. Control path only.
 */
public final class Netns {

    private static final long JOIN_TIMEOUT_MILLIS = 5_000;
    /** Where {@code ip netns} binds the namespaces it names. */
    public static final String NETNS_DIR = "/run/netns";
    /** A namespace fd's link in /proc: {@code net:[INODE]}. */
    private static final Pattern NS_LINK = Pattern.compile("net:\\[(\\d+)]");

    private Netns() {
    }

    /**
     * @param netns a network namespace fd
     * @return whether it is the namespace this process runs in
     * @throws IOException if /proc cannot tell
     */
    public static boolean isOurs(int netns) throws IOException {
        return isOurs(linkOf(netns));
    }

    /**
     * @param netns a network namespace fd
     * @return {@code ""} for the namespace this process runs in; else the name of the entry of {@code /run/netns}
     *         (where {@code ip netns add} binds the namespaces it names) that is this namespace; else the kernel's
     *         {@code net:[INODE]}
     * @throws IOException if /proc cannot tell
     */
    public static String nameOf(int netns) throws IOException {
        Path link = linkOf(netns);
        if (isOurs(link)) {
            return "";
        }
        String text = link.toString();
        Matcher m = NS_LINK.matcher(text);
        Path named = Path.of(NETNS_DIR);
        if (!m.matches() || !Files.isDirectory(named)) {
            return text;
        }
        long inode = Long.parseLong(m.group(1));
        try (Stream<Path> entries = Files.list(named)) {
            for (Path entry : (Iterable<Path>) entries.sorted()::iterator) {
                try {
                    if (((Number) Files.getAttribute(entry, "unix:ino")).longValue() == inode) {
                        return entry.getFileName().toString();
                    }
                } catch (IOException e) {
                    // An entry removed meanwhile, or one whose bind mount failed: not the namespace.
                }
            }
        }
        return text;
    }

    /** @return what /proc shows a namespace fd as: {@code net:[INODE]} */
    private static Path linkOf(int netns) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(netns)));
    }

    private static boolean isOurs(Path link) throws IOException {
        return link.equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")));
    }

    /**
     * Runs {@code work} on a new thread inside the namespace.
     *
     * @param netns a network namespace fd
     * @param what what the work is, for messages
     * @param work the work; may throw
     * @param <T> its result
     * @return its result
     * @throws IOException if the namespace cannot be joined (setns needs CAP_SYS_ADMIN), the work failed with a checked
     *         exception, or it did not finish in time
     */
    public static <T> T callIn(int netns, String what, Callable<T> work) throws IOException {
        Object[] outcome = new Object[2];
        Thread thread = Thread.ofPlatform().name("ringswitch-netns").daemon().start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment errno = LibC.allocateErrnoState(arena);
                if (LibC.setns(errno, netns, Linux.CLONE_NEWNET) != 0) {
                    outcome[1] = new IOException(what + ": setns(CLONE_NEWNET) failed: "
                            + Errno.describe(LibC.errno(errno)));
                    return;
                }
                outcome[0] = work.call();
            } catch (Exception e) {
                outcome[1] = e;
            }
        });
        try {
            thread.join(JOIN_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + ": interrupted", e);
        }
        if (thread.isAlive()) {
            throw new IOException(what + ": took over " + JOIN_TIMEOUT_MILLIS + " ms");
        }
        if (outcome[1] instanceof RuntimeException e) {
            throw e;
        }
        if (outcome[1] instanceof IOException e) {
            throw e;
        }
        if (outcome[1] != null) {
            throw new IOException(what + ": " + outcome[1], (Exception) outcome[1]);
        }
        @SuppressWarnings("unchecked")
        T result = (T) outcome[0];
        return result;
    }
}
