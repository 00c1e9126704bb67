import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.attribute.ModuleAttribute;
import java.lang.classfile.attribute.ModuleExportInfo;
import java.lang.classfile.attribute.ModuleOpenInfo;
import java.lang.classfile.attribute.ModulePackagesAttribute;
import java.lang.classfile.attribute.ModuleProvideInfo;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PackageEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.StringEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keeps in a module jar only the classes that other jars can reach, in place:
 * {@code java jlink/TrimModule.java JAR ROOT...} (each ROOT a jar or a folder of jars).
 *
 * <p>Why: chat calls four things of BouncyCastle's lightweight API (Ed25519, X25519, HPKE,
 * Argon2), and its provider jar holds 6,000 classes (the JCA provider, post-quantum schemes,
 * certificate stores) that made up a third of the image's lib/modules. The closure is
 * computed from the class files: every class named in a root's constant pool (class
 * entries, the types in descriptors and signatures, and string constants that spell a class
 * of the jar, which covers {@code Class.forName("org.bouncycastle...")}), then the same for
 * every class of the jar so reached. What no class names stays unreachable by code; a class
 * loaded by a name built at run time would be missed, and its NoClassDefFoundError would
 * show in the tests, which run every cryptographic path of chat on the image. The module
 * descriptor is rewritten to match: exports, opens and the package list name only packages
 * that keep a class, and services whose class is gone (the JCA provider) are dropped.
 * Versioned entries of a multi-release jar follow their class. Resources in packages that
 * keep no class go too. Prints what it kept.
 */
public final class TrimModule {

    /** {@code Lname;} or {@code Lname<} in descriptors and generic signatures. */
    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L([\\w/$]+)[;<]");
    /** A dotted class name in a string constant. */
    private static final Pattern DOTTED = Pattern.compile("^[\\w$]+(\\.[\\w$]+)+$");
    private static final Pattern VERSIONED = Pattern.compile("^META-INF/versions/\\d+/(.*)$");

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]).toAbsolutePath();
        List<Path> roots = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            Path root = Path.of(args[i]);
            if (Files.isDirectory(root)) {
                try (Stream<Path> jars = Files.list(root)) {
                    jars.filter(p -> p.toString().endsWith(".jar") && !p.toAbsolutePath().equals(jar)).forEach(roots::add);
                }
            } else {
                roots.add(root);
            }
        }
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            Map<String, List<Path>> classes = classFiles(zip); // internal name -> its entries (base, versioned)
            Set<String> kept = closure(zip, classes, roots);
            int before = classes.size();
            Set<String> packages = new TreeSet<>();
            for (var e : classes.entrySet()) {
                if (kept.contains(e.getKey())) {
                    packages.add(packageOf(e.getKey()));
                } else if (!e.getKey().equals("module-info")) {
                    for (Path p : e.getValue()) {
                        Files.delete(p);
                    }
                }
            }
            deleteResourcesOutside(zip, packages);
            deleteEmptyFolders(zip);
            rewriteDescriptor(zip, classes.get("module-info"), kept, packages);
            System.out.println("trimmed " + jar.getFileName() + ": kept " + (kept.size() - 1) + " of " + (before - 1)
                    + " classes in " + packages.size() + " packages");
        }
    }

    private static Map<String, List<Path>> classFiles(FileSystem zip) throws IOException {
        Map<String, List<Path>> classes = new HashMap<>();
        try (Stream<Path> all = Files.walk(zip.getPath("/"))) {
            for (Path p : all.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = entryName(p);
                Matcher v = VERSIONED.matcher(name);
                String cls = (v.matches() ? v.group(1) : name).replaceAll("\\.class$", "");
                classes.computeIfAbsent(cls, k -> new ArrayList<>()).add(p);
            }
        }
        if (!classes.containsKey("module-info")) {
            throw new IllegalStateException(zip + " has no module-info.class");
        }
        return classes;
    }

    private static Set<String> closure(FileSystem zip, Map<String, List<Path>> classes, List<Path> roots)
            throws IOException {
        Set<String> kept = new HashSet<>(Set.of("module-info"));
        Deque<String> todo = new ArrayDeque<>();
        for (Path root : roots) {
            try (FileSystem r = FileSystems.newFileSystem(URI.create("jar:" + root.toAbsolutePath().toUri()), Map.of());
                 Stream<Path> all = Files.walk(r.getPath("/"))) {
                for (Path p : all.filter(p -> p.toString().endsWith(".class")).toList()) {
                    for (String name : referenced(Files.readAllBytes(p))) {
                        if (classes.containsKey(name) && kept.add(name)) {
                            todo.add(name);
                        }
                    }
                }
            }
        }
        if (todo.isEmpty()) {
            throw new IllegalStateException("no root names a class of " + zip + ": is it still used?");
        }
        while (!todo.isEmpty()) {
            for (Path p : classes.get(todo.poll())) {
                for (String name : referenced(Files.readAllBytes(p))) {
                    if (classes.containsKey(name) && kept.add(name)) {
                        todo.add(name);
                    }
                }
            }
        }
        return kept;
    }

    /** Every class name a class file mentions, in internal form (may name classes of other jars). */
    private static Set<String> referenced(byte[] bytes) {
        ClassModel model = ClassFile.of().parse(bytes);
        Set<String> names = new HashSet<>();
        for (PoolEntry entry : model.constantPool()) {
            switch (entry) {
                case ClassEntry c -> {
                    String n = c.asInternalName();
                    Matcher m = DESCRIPTOR_TYPE.matcher(n);
                    if (n.startsWith("[")) {
                        while (m.find()) {
                            names.add(m.group(1));
                        }
                    } else {
                        names.add(n);
                    }
                }
                case Utf8Entry u -> {
                    Matcher m = DESCRIPTOR_TYPE.matcher(u.stringValue());
                    while (m.find()) {
                        names.add(m.group(1));
                    }
                }
                case StringEntry s -> {
                    String v = s.stringValue();
                    if (DOTTED.matcher(v).matches()) {
                        names.add(v.replace('.', '/'));
                    }
                }
                default -> { }
            }
        }
        return names;
    }

    private static void deleteResourcesOutside(FileSystem zip, Set<String> packages) throws IOException {
        try (Stream<Path> all = Files.walk(zip.getPath("/"))) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                String name = entryName(p);
                Matcher v = VERSIONED.matcher(name);
                String inModule = v.matches() ? v.group(1) : name;
                if (!inModule.endsWith(".class") && !inModule.startsWith("META-INF/") && inModule.contains("/")
                        && !packages.contains(packageOf(inModule))) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void deleteEmptyFolders(FileSystem zip) throws IOException {
        List<Path> folders;
        try (Stream<Path> all = Files.walk(zip.getPath("/"))) {
            folders = all.filter(Files::isDirectory).sorted(java.util.Comparator.reverseOrder()).toList();
        }
        for (Path folder : folders) {
            try (Stream<Path> inside = Files.list(folder)) {
                if (inside.findAny().isEmpty() && folder.getNameCount() > 0) {
                    Files.delete(folder);
                }
            }
        }
    }

    private static void rewriteDescriptor(FileSystem zip, List<Path> descriptors, Set<String> kept,
                                          Set<String> packages) throws IOException {
        for (Path descriptor : descriptors) {
            ClassModel model = ClassFile.of().parse(Files.readAllBytes(descriptor));
            ClassTransform trim = (builder, element) -> {
                if (element instanceof ModuleAttribute module) {
                    List<ModuleExportInfo> exports = module.exports().stream()
                            .filter(e -> packages.contains(e.exportedPackage().name().stringValue())).toList();
                    List<ModuleOpenInfo> opens = module.opens().stream()
                            .filter(o -> packages.contains(o.openedPackage().name().stringValue())).toList();
                    List<ModuleProvideInfo> provides = module.provides().stream()
                            .filter(s -> kept.contains(s.provides().asInternalName()))
                            .map(s -> ModuleProvideInfo.of(s.provides(), s.providesWith().stream()
                                    .filter(c -> kept.contains(c.asInternalName())).toList()))
                            .filter(s -> !s.providesWith().isEmpty()).toList();
                    List<ClassEntry> uses = module.uses().stream().filter(u -> kept.contains(u.asInternalName())).toList();
                    builder.with(ModuleAttribute.of(module.moduleName(), module.moduleFlagsMask(),
                            module.moduleVersion().orElse(null), module.requires(), exports, opens, uses, provides));
                } else if (element instanceof ModulePackagesAttribute) {
                    List<PackageEntry> list = packages.stream()
                            .map(p -> builder.constantPool().packageEntry(builder.constantPool().utf8Entry(p))).toList();
                    builder.with(ModulePackagesAttribute.of(list));
                } else {
                    builder.with(element);
                }
            };
            Files.write(descriptor, ClassFile.of().transformClass(model, trim));
        }
    }

    private static String entryName(Path p) {
        String s = p.toString();
        return s.startsWith("/") ? s.substring(1) : s;
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }
}
