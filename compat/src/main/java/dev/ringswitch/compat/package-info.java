/**
 * Compatibility layer that lets Apache Karaf 4.4.10 run on JDK 24 and later.
 *
 * <p>JDK 24 removed the Security Manager (JEP 486): {@code Subject.getSubject(AccessControlContext)} throws and
 * {@code AccessController.doPrivileged} no longer carries a subject, so Karaf's shell, event admin and RBAC lose the
 * logged-in user. This package is a java agent that rewrites the affected bytecode as classes are defined. Delete it
 * when RingSwitch moves to a Karaf release that supports JDK 24+ natively.
 */
package dev.ringswitch.compat;
