package dev.ringswitch.compat;

import java.lang.classfile.AccessFlags;
import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.MethodBuilder;
import java.lang.classfile.MethodElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.DynamicCallSiteDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import static java.lang.classfile.ClassFile.ACC_FINAL;
import static java.lang.classfile.ClassFile.ACC_PRIVATE;
import static java.lang.classfile.ClassFile.ACC_PROTECTED;
import static java.lang.classfile.ClassFile.ACC_PUBLIC;
import static java.lang.classfile.ClassFile.ACC_STATIC;
import static java.lang.classfile.ClassFile.ACC_SYNTHETIC;
import static java.lang.constant.ConstantDescs.CD_CallSite;
import static java.lang.constant.ConstantDescs.CD_Exception;
import static java.lang.constant.ConstantDescs.CD_MethodHandle;
import static java.lang.constant.ConstantDescs.CD_MethodHandles_Lookup;
import static java.lang.constant.ConstantDescs.CD_MethodType;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_Throwable;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;

/**
 * Rewrites Karaf's bytecode so that JAAS subjects work without the Security Manager (JDK 24+). Five rules:
 *
 * <ol>
 *   <li><b>R1</b>, every non-JDK class: {@code Subject.getSubject(AccessControlContext)}, which now throws, becomes
 *       {@code Subject.current()} (the context argument is popped).</li>
 *   <li><b>R2</b>, {@code org.apache.karaf.util.jaas.JaasHelper} (embedded in several bundles): both {@code doAs}
 *       bodies become {@code Subject.callAs(subject, action::run)}, keeping the old exception contract;
 *       {@code AccessController.doPrivileged} no longer carries a subject, so without this the user is lost.</li>
 *   <li><b>R3</b>, {@code ConsoleSessionImpl.<init>}: stores the current subject in the session under
 *       {@code javax.security.auth.Subject}, as Karaf's SSH paths already do; the local console did not.</li>
 *   <li><b>R4</b>, {@code ConsoleSessionImpl.run()}: runs inside {@code Subject.callAs(session subject)}, so the
 *       console thread (command resolution, completion) sees the user.</li>
 *   <li><b>R5</b>, {@code SecuredCommand.execute(Session, List)}: likewise, because Gogo runs each command on its own
 *       thread; the command ACLs (RBAC) and the command itself see the user.</li>
 * </ol>
 * R4 and R5 rename the original method to {@code name$jdk25compat} and make the original an invokedynamic
 * {@code Callable} that calls it inside {@code callAs}, unwrapping the CompletionException. Stack maps are rebuilt
 * with class files read through the defining loader. The names rewritten are published in the system property
 * {@value CompatAgent#PATCHED_PROPERTY} (visible with {@code system:property}).
 */
public final class SubjectRewriter {

    static final ClassDesc SUBJECT = ClassDesc.of("javax.security.auth.Subject");
    static final ClassDesc ACCESS_CONTROL_CONTEXT = ClassDesc.of("java.security.AccessControlContext");
    static final ClassDesc CALLABLE = ClassDesc.of("java.util.concurrent.Callable");
    static final ClassDesc COMPLETION_EXCEPTION = ClassDesc.of("java.util.concurrent.CompletionException");
    static final ClassDesc PRIVILEGED_ACTION = ClassDesc.of("java.security.PrivilegedAction");
    static final ClassDesc PRIVILEGED_EXCEPTION_ACTION = ClassDesc.of("java.security.PrivilegedExceptionAction");
    static final ClassDesc PRIVILEGED_ACTION_EXCEPTION = ClassDesc.of("java.security.PrivilegedActionException");
    static final ClassDesc OBJECTS = ClassDesc.of("java.util.Objects");
    static final ClassDesc RUNTIME_EXCEPTION = ClassDesc.of("java.lang.RuntimeException");
    static final ClassDesc KARAF_SESSION = ClassDesc.of("org.apache.karaf.shell.api.console.Session");
    static final MethodTypeDesc CURRENT = MethodTypeDesc.of(SUBJECT);
    static final MethodTypeDesc SESSION_GET = MethodTypeDesc.of(CD_Object, CD_String);
    static final String SESSION_KEY = "javax.security.auth.Subject";
    static final String SUFFIX = "$jdk25compat";

    static final String JAAS_HELPER = "org/apache/karaf/util/jaas/JaasHelper";
    static final String CONSOLE_SESSION = "org/apache/karaf/shell/impl/console/ConsoleSessionImpl";
    static final String SECURED_COMMAND = "org/apache/karaf/shell/impl/console/osgi/secured/SecuredCommand";

    static final String DO_AS_ACTION =
            "doAs(Ljavax/security/auth/Subject;Ljava/security/PrivilegedAction;)Ljava/lang/Object;";
    static final String DO_AS_EXCEPTION_ACTION =
            "doAs(Ljavax/security/auth/Subject;Ljava/security/PrivilegedExceptionAction;)Ljava/lang/Object;";
    static final String SECURED_EXECUTE =
            "execute(Lorg/apache/karaf/shell/api/console/Session;Ljava/util/List;)Ljava/lang/Object;";

    static final DirectMethodHandleDesc LAMBDA_METAFACTORY = MethodHandleDesc.ofMethod(
            DirectMethodHandleDesc.Kind.STATIC, ClassDesc.of("java.lang.invoke.LambdaMetafactory"), "metafactory",
            MethodTypeDesc.of(CD_CallSite, CD_MethodHandles_Lookup, CD_String, CD_MethodType, CD_MethodType,
                    CD_MethodHandle, CD_MethodType));

    private static final Set<String> PATCHED = new TreeSet<>();

    /** R1: {@code invokestatic Subject.getSubject(AccessControlContext)} -> {@code pop; Subject.current()}. */
    static final CodeTransform GET_SUBJECT_TO_CURRENT = (code, element) -> {
        if (isGetSubject(element)) {
            code.pop().invokestatic(SUBJECT, "current", CURRENT);
        } else {
            code.with(element);
        }
    };

    private SubjectRewriter() {
    }

    /**
     * Rewrites one class if any rule applies, and records it in {@value CompatAgent#PATCHED_PROPERTY}.
     *
     * @param loader the defining loader, used to resolve the class hierarchy for stack maps
     * @param name the internal class name, e.g. {@code org/apache/karaf/util/jaas/JaasHelper}
     * @param bytes the class file
     * @return the rewritten class file, or {@code null} if nothing applies or the rewrite failed (logged)
     */
    static byte[] patch(ClassLoader loader, String name, byte[] bytes) {
        if (contains(bytes, SUFFIX)) {
            return null;
        }
        boolean target = name.equals(JAAS_HELPER) || name.equals(CONSOLE_SESSION) || name.equals(SECURED_COMMAND);
        if (!target && !(contains(bytes, "getSubject") && contains(bytes, "javax/security/auth/Subject"))) {
            return null;
        }
        try {
            byte[] out = rewrite(loader, name, bytes);
            if (out != null) {
                synchronized (PATCHED) {
                    PATCHED.add(name.replace('/', '.'));
                    System.setProperty(CompatAgent.PATCHED_PROPERTY, String.join(",", PATCHED));
                }
            }
            return out;
        } catch (RuntimeException | LinkageError e) {
            // Never break class loading: the unpatched class fails later with a clearer JDK error.
            System.err.println("[ringswitch-compat] could not rewrite " + name + ": " + e);
            return null;
        }
    }

    /**
     * Applies the rules to one class.
     *
     * @param loader resolves the class hierarchy for stack-map generation
     * @param name internal class name
     * @param bytes the class file
     * @return the rewritten class file, or {@code null} if no rule applies
     */
    static byte[] rewrite(ClassLoader loader, String name, byte[] bytes) {
        ClassFile classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.ofResourceParsing(loader).orElse(ClassHierarchyResolver.defaultResolver())));
        ClassModel model = classFile.parse(bytes);
        ClassDesc self = model.thisClass().asSymbol();
        boolean[] changed = {false};
        byte[] out = classFile.transformClass(model, (builder, element) -> {
            if (!(element instanceof MethodModel method)) {
                builder.with(element);
                return;
            }
            changed[0] |= rewriteMethod(builder, method, name, self);
        });
        return changed[0] ? out : null;
    }

    private static boolean rewriteMethod(ClassBuilder builder, MethodModel method, String name, ClassDesc self) {
        String signature = method.methodName().stringValue() + method.methodType().stringValue();
        boolean isStatic = (method.flags().flagsMask() & ACC_STATIC) != 0;
        if (name.equals(JAAS_HELPER) && isStatic && signature.equals(DO_AS_ACTION)) {
            replaceDoAs(builder, method, PRIVILEGED_ACTION, false);
        } else if (name.equals(JAAS_HELPER) && isStatic && signature.equals(DO_AS_EXCEPTION_ACTION)) {
            replaceDoAs(builder, method, PRIVILEGED_EXCEPTION_ACTION, true);
        } else if (name.equals(CONSOLE_SESSION) && method.methodName().equalsString(INIT_NAME)) {
            builder.transformMethod(method, MethodTransform.transformingCode(publishSubjectOnReturn(self)));
        } else if (name.equals(CONSOLE_SESSION) && !isStatic && signature.equals("run()V")) {
            wrapInCallAs(builder, method, self,
                    code -> code.aload(0).ldc(SESSION_KEY).invokevirtual(self, "get", SESSION_GET));
        } else if (name.equals(SECURED_COMMAND) && !isStatic && signature.equals(SECURED_EXECUTE)) {
            wrapInCallAs(builder, method, self,
                    code -> code.aload(1).ldc(SESSION_KEY).invokeinterface(KARAF_SESSION, "get", SESSION_GET));
        } else if (callsGetSubject(method)) {
            builder.transformMethod(method, MethodTransform.transformingCode(GET_SUBJECT_TO_CURRENT));
        } else {
            builder.with(method);
            return false;
        }
        return true;
    }

    static boolean isGetSubject(CodeElement element) {
        return element instanceof InvokeInstruction invoke && invoke.opcode() == Opcode.INVOKESTATIC
                && invoke.owner().asSymbol().equals(SUBJECT) && invoke.name().equalsString("getSubject")
                && invoke.typeSymbol().equals(MethodTypeDesc.of(SUBJECT, ACCESS_CONTROL_CONTEXT));
    }

    static boolean callsGetSubject(MethodModel method) {
        return method.code().map(code -> code.elementStream().anyMatch(SubjectRewriter::isGetSubject)).orElse(false);
    }

    /** R2: the body becomes {@code requireNonNull(action); return callAs(subject, action::run)}, unwrapped. */
    private static void replaceDoAs(ClassBuilder builder, MethodModel method, ClassDesc actionType,
                                    boolean wrapChecked) {
        builder.withMethod(method.methodName(), method.methodType(), method.flags().flagsMask(), mb -> {
            copyAttributes(method, mb);
            mb.withCode(code -> {
                code.aload(1).invokestatic(OBJECTS, "requireNonNull", MethodTypeDesc.of(CD_Object, CD_Object)).pop();
                code.aload(0).aload(1);
                callable(code, MethodTypeDesc.of(CALLABLE, actionType), MethodHandleDesc.ofMethod(
                        DirectMethodHandleDesc.Kind.INTERFACE_VIRTUAL, actionType, "run", MethodTypeDesc.of(CD_Object)));
                callAs(code, wrapChecked);
                code.areturn();
            });
        });
    }

    /**
     * R4/R5: {@code m(args) { body }} becomes {@code m(args) { return callAs(sessionSubject ?: current(),
     * () -> m$jdk25compat(args)); }} plus {@code m$jdk25compat(args) { body }} (void bodies return null).
     */
    private static void wrapInCallAs(ClassBuilder builder, MethodModel method, ClassDesc self,
                                     Consumer<CodeBuilder> loadSessionSubject) {
        MethodTypeDesc type = method.methodTypeSymbol();
        boolean isVoid = type.returnType().equals(CD_void);
        MethodTypeDesc implType = isVoid ? type.changeReturnType(CD_Object) : type;
        String implName = method.methodName().stringValue() + SUFFIX;
        CodeTransform body = isVoid ? GET_SUBJECT_TO_CURRENT.andThen((code, element) -> {
            if (element instanceof ReturnInstruction ret && ret.opcode() == Opcode.RETURN) {
                code.aconst_null().areturn();
            } else {
                code.with(element);
            }
        }) : GET_SUBJECT_TO_CURRENT;
        int implFlags = (method.flags().flagsMask() & ~(ACC_PUBLIC | ACC_PROTECTED | ACC_PRIVATE))
                | ACC_SYNTHETIC | ACC_FINAL;
        builder.withMethod(implName, implType, implFlags, mb -> mb.transformCode(method.code().orElseThrow(), body));
        builder.withMethod(method.methodName(), method.methodType(), method.flags().flagsMask(), mb -> {
            copyAttributes(method, mb);
            mb.withCode(code -> {
                loadSessionSubject.accept(code);
                Label isSubject = code.newLabel();
                Label have = code.newLabel();
                code.dup().instanceOf(SUBJECT).ifne(isSubject).pop().aconst_null();
                code.labelBinding(isSubject);
                code.checkcast(SUBJECT).dup().ifnonnull(have).pop().invokestatic(SUBJECT, "current", CURRENT);
                code.labelBinding(have);
                code.aload(0);
                ClassDesc[] captured = new ClassDesc[type.parameterCount() + 1];
                captured[0] = self;
                int slot = 1;
                for (int i = 0; i < type.parameterCount(); i++) {
                    ClassDesc parameter = type.parameterType(i);
                    captured[i + 1] = parameter;
                    code.loadLocal(TypeKind.from(parameter), slot);
                    slot += TypeKind.from(parameter).slotSize();
                }
                callable(code, MethodTypeDesc.of(CALLABLE, captured),
                        MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.VIRTUAL, self, implName, implType));
                callAs(code, false);
                if (isVoid) {
                    code.pop().return_();
                } else {
                    code.checkcast(type.returnType()).areturn();
                }
            });
        });
    }

    /** R3: before each {@code return} of a constructor, store the current subject (if any) in the session. */
    private static CodeTransform publishSubjectOnReturn(ClassDesc self) {
        return (code, element) -> {
            if (element instanceof ReturnInstruction ret && ret.opcode() == Opcode.RETURN) {
                Label skip = code.newLabel();
                code.invokestatic(SUBJECT, "current", CURRENT).ifnull(skip)
                        .aload(0).ldc(SESSION_KEY).invokestatic(SUBJECT, "current", CURRENT)
                        .invokevirtual(self, "put", MethodTypeDesc.of(CD_void, CD_String, CD_Object));
                code.labelBinding(skip);
            }
            code.with(element);
        };
    }

    /** An invokedynamic to LambdaMetafactory producing a {@code Callable} that calls {@code impl}. */
    private static void callable(CodeBuilder code, MethodTypeDesc factoryType, DirectMethodHandleDesc impl) {
        code.invokedynamic(DynamicCallSiteDesc.of(LAMBDA_METAFACTORY, "call", factoryType,
                MethodTypeDesc.of(CD_Object), impl, MethodTypeDesc.of(CD_Object)));
    }

    /**
     * Stack: subject, callable -> result. Calls {@code Subject.callAs} and rethrows the CompletionException's cause.
     * With {@code wrapChecked}, a checked cause is wrapped in PrivilegedActionException, which is what callers of
     * {@code Subject.doAs(PrivilegedExceptionAction)} expect.
     */
    private static void callAs(CodeBuilder code, boolean wrapChecked) {
        Label start = code.newLabel();
        Label end = code.newLabel();
        Label handler = code.newLabel();
        Label done = code.newLabel();
        code.labelBinding(start);
        code.invokestatic(SUBJECT, "callAs", MethodTypeDesc.of(CD_Object, SUBJECT, CALLABLE));
        code.labelBinding(end);
        code.goto_(done);
        code.labelBinding(handler);
        code.invokevirtual(CD_Throwable, "getCause", MethodTypeDesc.of(CD_Throwable));
        if (wrapChecked) {
            Label unchecked = code.newLabel();
            code.dup().instanceOf(CD_Exception).ifeq(unchecked).dup().instanceOf(RUNTIME_EXCEPTION).ifne(unchecked);
            int tmp = code.allocateLocal(TypeKind.REFERENCE);
            code.checkcast(CD_Exception).astore(tmp).new_(PRIVILEGED_ACTION_EXCEPTION).dup().aload(tmp)
                    .invokespecial(PRIVILEGED_ACTION_EXCEPTION, INIT_NAME, MethodTypeDesc.of(CD_void, CD_Exception))
                    .athrow();
            code.labelBinding(unchecked);
        }
        code.athrow();
        code.exceptionCatch(start, end, handler, COMPLETION_EXCEPTION);
        code.labelBinding(done);
    }

    private static void copyAttributes(MethodModel from, MethodBuilder to) {
        for (MethodElement element : from) {
            if (!(element instanceof CodeModel) && !(element instanceof AccessFlags)) {
                to.with(element);
            }
        }
    }

    static boolean contains(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0, max = haystack.length - n.length; i <= max; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * Rewrites a generated class that calls {@code getSubject}, so that the ClassFile API is loaded and proven before
     * the first Karaf class is transformed.
     *
     * @throws IllegalStateException if the rewrite does not remove the call
     */
    static void selfTest() {
        byte[] probe = ClassFile.of().build(ClassDesc.of("dev.ringswitch.compat.Probe"), cb -> cb.withMethodBody(
                "probe", MethodTypeDesc.of(SUBJECT), ACC_PUBLIC | ACC_STATIC, code -> code.aconst_null()
                        .invokestatic(SUBJECT, "getSubject", MethodTypeDesc.of(SUBJECT, ACCESS_CONTROL_CONTEXT))
                        .areturn()));
        byte[] out = rewrite(ClassLoader.getSystemClassLoader(), "dev/ringswitch/compat/Probe", probe);
        if (out == null || !ClassFile.of().parse(out).methods().stream().allMatch(m -> m.code().orElseThrow()
                .elementStream().noneMatch(SubjectRewriter::isGetSubject))) {
            throw new IllegalStateException("ringswitch-compat self test failed: getSubject was not rewritten");
        }
    }
}
