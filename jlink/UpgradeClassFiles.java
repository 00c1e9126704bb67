import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites, in place, the class files of a modular jar that are older than Java 6 (major
 * version 49, as picocli ships them for Java 5) as Java 8 class files with stack maps.
 *
 * <p>Why: the AOT cache (JEP 483) holds only classes it can verify and link ahead of time,
 * which rules out class files that predate stack maps ("Unlinked class not supported by
 * AOTClassLinking"). picocli's 228 classes were so loaded, verified and interpreted from the
 * image's modules file on every start of {@code bin/chat}. The byte code is unchanged; only
 * the version and the StackMapTable attributes that the version requires are written, by the
 * JDK's class-file API, and every rewritten class is checked with its verifier before the jar
 * is replaced. Jars without old classes are left alone (signed jars must stay as they are).
 *
 * <p>Usage (source launcher, no build needed): {@code java jlink/UpgradeClassFiles.java JAR...}
 */
public final class UpgradeClassFiles {

    private static final int OLDEST_WITH_STACK_MAPS = 50;

    public static void main(String[] args) throws IOException {
        for (String jar : args) {
            int upgraded = upgrade(Path.of(jar));
            if (upgraded > 0) {
                System.out.println("upgraded " + upgraded + " class files of " + Path.of(jar).getFileName() + " to Java 8");
            }
        }
    }

    private static int upgrade(Path jar) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        // stack maps name the common super class of two types: resolve the jar's own classes from the jar
        ClassHierarchyResolver own = ClassHierarchyResolver.ofResourceParsing(desc -> {
            String name = desc.descriptorString();
            byte[] bytes = entries.get(name.substring(1, name.length() - 1) + ".class");
            return bytes == null ? null : new ByteArrayInputStream(bytes);
        });
        ClassFile classFile = ClassFile.of(
                ClassFile.ClassHierarchyResolverOption.of(own.orElse(ClassHierarchyResolver.defaultResolver())),
                ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
        // re-emitting every method body is what makes the API compute its stack map
        ClassTransform toJava8 = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                .andThen(ClassTransform.dropping(element -> element instanceof ClassFileVersion))
                .andThen(ClassTransform.endHandler(builder -> builder.with(ClassFileVersion.of(ClassFile.JAVA_8_VERSION, 0))));
        int upgraded = 0;
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (!e.getKey().endsWith(".class") || e.getKey().startsWith("META-INF/")) {
                continue;
            }
            ClassModel model = classFile.parse(e.getValue());
            if (model.majorVersion() >= OLDEST_WITH_STACK_MAPS) {
                continue;
            }
            byte[] bytes = classFile.transformClass(model, toJava8);
            var errors = classFile.verify(bytes);
            if (!errors.isEmpty()) {
                throw new IllegalStateException(e.getKey() + " of " + jar + " does not verify: " + errors.getFirst());
            }
            e.setValue(bytes);
            upgraded++;
        }
        if (upgraded > 0) {
            Path temp = Files.createTempFile(jar.toAbsolutePath().getParent(), "upgrade", ".jar");
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(temp))) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    out.putNextEntry(new ZipEntry(e.getKey()));
                    out.write(e.getValue());
                    out.closeEntry();
                }
            }
            Files.move(temp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return upgraded;
    }
}
