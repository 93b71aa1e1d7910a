package dev.ringswitch.api.port;

/**
 * A kernel operation on a port failed. The message names the interface, the operation, the errno symbol and its
 * text, and what to do about it.
 */
public class PortException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String interfaceName;
    private final String operation;
    private final int errno;

    /**
     * @param interfaceName the interface concerned
     * @param operation the failed step, e.g. {@code ioctl(TUNSETIFF)}
     * @param errno the errno, or 0 if none applies
     * @param message the complete message
     */
    public PortException(String interfaceName, String operation, int errno, String message) {
        super(message);
        this.interfaceName = interfaceName;
        this.operation = operation;
        this.errno = errno;
    }

    /** @return the interface concerned */
    public String interfaceName() {
        return interfaceName;
    }

    /** @return the failed step */
    public String operation() {
        return operation;
    }

    /** @return the errno value, or 0 */
    public int errno() {
        return errno;
    }

    /** The caller lacks CAP_NET_ADMIN or /dev/net/tun is missing or not accessible (EPERM, EACCES). */
    public static class PermissionDenied extends PortException {
        private static final long serialVersionUID = 1L;

        /** @see PortException#PortException(String, String, int, String) */
        public PermissionDenied(String interfaceName, String operation, int errno, String message) {
            super(interfaceName, operation, errno, message);
        }
    }

    /** The interface name is in use by another device or process (EBUSY, EEXIST). */
    public static class NameInUse extends PortException {
        private static final long serialVersionUID = 1L;

        /** @see PortException#PortException(String, String, int, String) */
        public NameInUse(String interfaceName, String operation, int errno, String message) {
            super(interfaceName, operation, errno, message);
        }
    }
}
