package dev.ringswitch.compat;

import org.junit.jupiter.api.Test;

import javax.security.auth.Subject;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.PrivilegedAction;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.classfile.ClassFile.ACC_PUBLIC;
import static java.lang.classfile.ClassFile.ACC_STATIC;
import static java.lang.constant.ConstantDescs.CD_Object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubjectRewriterTest {

    private static final ClassDesc ACC = ClassDesc.of("java.security.AccessControlContext");

    /** Defines classes from bytes, so that rewritten classes can be run. */
    private static final class BytesLoader extends ClassLoader {
        BytesLoader() {
            super(SubjectRewriterTest.class.getClassLoader());
        }

        Class<?> define(String binaryName, byte[] bytes) {
            return defineClass(binaryName, bytes, 0, bytes.length);
        }
    }

    private static byte[] classCallingGetSubject(String binaryName) {
        return ClassFile.of().build(ClassDesc.of(binaryName), cb -> cb.withMethodBody("who",
                MethodTypeDesc.of(SubjectRewriter.SUBJECT), ACC_PUBLIC | ACC_STATIC, code -> code
                        .invokestatic(ClassDesc.of("java.security.AccessController"), "getContext",
                                MethodTypeDesc.of(ACC))
                        .invokestatic(SubjectRewriter.SUBJECT, "getSubject",
                                MethodTypeDesc.of(SubjectRewriter.SUBJECT, ACC))
                        .areturn()));
    }

    @Test
    void unpatchedGetSubjectThrowsOnThisJdk() throws Exception {
        Class<?> c = new BytesLoader().define("t.Plain", classCallingGetSubject("t.Plain"));
        InvocationTargetException e = assertThrows(InvocationTargetException.class,
                () -> c.getMethod("who").invoke(null));
        assertInstanceOf(UnsupportedOperationException.class, e.getCause());
    }

    @Test
    void getSubjectCallBecomesSubjectCurrentAndVerifies() throws Exception {
        byte[] out = SubjectRewriter.rewrite(getClass().getClassLoader(), "t/Caller",
                classCallingGetSubject("t.Caller"));
        assertNotNull(out, "the class calls getSubject, so it must be rewritten");
        assertTrue(ClassFile.of().verify(out).isEmpty(), () -> "verify errors: " + ClassFile.of().verify(out));
        Method who = new BytesLoader().define("t.Caller", out).getMethod("who");
        Subject alice = new Subject();
        assertSame(alice, Subject.callAs(alice, () -> who.invoke(null)));
        assertNull(who.invoke(null));
    }

    @Test
    void classesWithoutGetSubjectAreLeftAlone() {
        byte[] plain = ClassFile.of().build(ClassDesc.of("t.Nothing"), cb -> cb.withMethodBody("x",
                MethodTypeDesc.of(CD_Object), ACC_PUBLIC | ACC_STATIC, code -> code.aconst_null().areturn()));
        assertNull(SubjectRewriter.patch(getClass().getClassLoader(), "t/Nothing", plain));
    }

    @Test
    void alreadyRewrittenClassesAreNotRewrittenAgain() {
        byte[] once = SubjectRewriter.rewrite(getClass().getClassLoader(), "t/Caller",
                classCallingGetSubject("t.Caller"));
        byte[] marked = ClassFile.of().build(ClassDesc.of("t.Marked"), cb -> cb.withMethodBody("x" +
                SubjectRewriter.SUFFIX, MethodTypeDesc.of(CD_Object), ACC_PUBLIC | ACC_STATIC,
                code -> code.aconst_null().areturn()));
        assertNotNull(once);
        assertNull(SubjectRewriter.patch(getClass().getClassLoader(), "t/Marked", marked));
    }

    /** A stand-in with Karaf's JaasHelper name and doAs signatures, whose bodies lose the subject as on JDK 24+. */
    private static byte[] jaasHelperStandIn() {
        ClassDesc self = ClassDesc.of("org.apache.karaf.util.jaas.JaasHelper");
        return ClassFile.of().build(self, cb -> cb
                .withMethodBody("doAs", MethodTypeDesc.of(CD_Object, SubjectRewriter.SUBJECT,
                        SubjectRewriter.PRIVILEGED_ACTION), ACC_PUBLIC | ACC_STATIC, code -> code
                        .aload(1).invokeinterface(SubjectRewriter.PRIVILEGED_ACTION, "run",
                                MethodTypeDesc.of(CD_Object)).areturn())
                .withMethodBody("doAs", MethodTypeDesc.of(CD_Object, SubjectRewriter.SUBJECT,
                        SubjectRewriter.PRIVILEGED_EXCEPTION_ACTION), ACC_PUBLIC | ACC_STATIC, code -> code
                        .aload(1).invokeinterface(SubjectRewriter.PRIVILEGED_EXCEPTION_ACTION, "run",
                                MethodTypeDesc.of(CD_Object)).areturn()));
    }

    @Test
    void jaasHelperDoAsRunsTheActionAsTheSubject() throws Exception {
        byte[] out = SubjectRewriter.rewrite(getClass().getClassLoader(), SubjectRewriter.JAAS_HELPER,
                jaasHelperStandIn());
        assertNotNull(out);
        assertTrue(ClassFile.of().verify(out).isEmpty(), () -> "verify errors: " + ClassFile.of().verify(out));
        Class<?> helper = new BytesLoader().define("org.apache.karaf.util.jaas.JaasHelper", out);
        Subject bob = new Subject();
        AtomicReference<Subject> seen = new AtomicReference<>();

        Method doAs = helper.getMethod("doAs", Subject.class, PrivilegedAction.class);
        Object result = doAs.invoke(null, bob, (PrivilegedAction<Object>) () -> {
            seen.set(Subject.current());
            return "done";
        });
        assertEquals("done", result);
        assertSame(bob, seen.get());

        Method doAsChecked = helper.getMethod("doAs", Subject.class, PrivilegedExceptionAction.class);
        InvocationTargetException thrown = assertThrows(InvocationTargetException.class, () ->
                doAsChecked.invoke(null, bob, (PrivilegedExceptionAction<Object>) () -> {
                    throw new java.io.IOException("disk");
                }));
        assertInstanceOf(PrivilegedActionException.class, thrown.getCause(),
                "checked exceptions keep the doAs(PrivilegedExceptionAction) contract");
        InvocationTargetException unchecked = assertThrows(InvocationTargetException.class, () ->
                doAsChecked.invoke(null, bob, (PrivilegedExceptionAction<Object>) () -> {
                    throw new IllegalStateException("bug");
                }));
        assertInstanceOf(IllegalStateException.class, unchecked.getCause());
    }

    @Test
    void selfTestPasses() {
        SubjectRewriter.selfTest();
    }
}
