import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.attribute.ModuleAttribute;
import java.lang.classfile.attribute.ModuleRequireInfo;
import java.lang.reflect.AccessFlag;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Manifest;

/**
 * Turns {@code requires M} into {@code requires static M} in the module-info.class of a jar,
 * in place: {@code java jlink/OptionalRequires.java JAR M...}.
 *
 * <p>Why: BouncyCastle's provider module requires java.naming and java.sql, which bring in
 * java.xml, java.security.sasl and java.transaction.xa (4.7 MB of the image's 25 MB
 * lib/modules). Only its LDAP certificate store (org.bouncycastle.jce.provider,
 * org.bouncycastle.x509.util) uses them, through the JCA provider, which chat never
 * registers: it calls the lightweight API (Ed25519, X25519, HPKE, Argon2) directly. With the
 * requirement optional, jlink leaves those modules out; a class that did need one would
 * fail with NoClassDefFoundError when it ran. Fails if the jar has no module-info.class or
 * does not require a named module, so that a new BouncyCastle release gets looked at. The
 * jar's signature, which the change breaks, is removed with the manifest's digests; jlink
 * does not keep a signature anyway.
 */
public final class OptionalRequires {

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        Set<String> optional = new HashSet<>(List.of(args).subList(1, args.length));
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toAbsolutePath().toUri()), Map.of())) {
            // a multi-release jar keeps its descriptor under META-INF/versions/N
            Path descriptor = zip.getPath("module-info.class");
            if (!Files.exists(descriptor)) {
                try (var versions = Files.list(zip.getPath("META-INF", "versions"))) {
                    descriptor = versions.map(v -> v.resolve("module-info.class")).filter(Files::exists)
                            .findFirst().orElseThrow(() -> new IllegalStateException(jar + " has no module-info.class"));
                }
            }
            ClassFile classFile = ClassFile.of();
            ClassModel model = classFile.parse(Files.readAllBytes(descriptor));
            Set<String> relaxed = new HashSet<>();
            ClassTransform relax = (builder, element) -> {
                if (element instanceof ModuleAttribute module) {
                    List<ModuleRequireInfo> requires = new ArrayList<>();
                    for (ModuleRequireInfo r : module.requires()) {
                        String name = r.requires().name().stringValue();
                        if (optional.contains(name)) {
                            Set<AccessFlag> flags = new HashSet<>(r.requiresFlags());
                            flags.add(AccessFlag.STATIC_PHASE);
                            r = ModuleRequireInfo.of(r.requires(), flags, r.requiresVersion().orElse(null));
                            relaxed.add(name);
                        }
                        requires.add(r);
                    }
                    builder.with(ModuleAttribute.of(module.moduleName(), module.moduleFlagsMask(),
                            module.moduleVersion().orElse(null), requires, module.exports(), module.opens(),
                            module.uses(), module.provides()));
                } else {
                    builder.with(element);
                }
            };
            byte[] bytes = classFile.transformClass(model, relax);
            if (!relaxed.equals(optional)) {
                optional.removeAll(relaxed);
                throw new IllegalStateException(jar + " does not require " + optional);
            }
            Files.write(descriptor, bytes);
            // the signature no longer matches; jlink drops it anyway (--ignore-signing-information)
            try (var meta = Files.list(zip.getPath("META-INF"))) {
                for (Path signature : meta.filter(p -> p.getFileName().toString().matches("(?i).*\\.(sf|rsa|dsa|ec)")).toList()) {
                    Files.delete(signature);
                }
            }
            // and so do the manifest's per-entry digests (855 KB in BouncyCastle's); keep its main attributes
            Path manifestFile = zip.getPath("META-INF", "MANIFEST.MF");
            if (Files.exists(manifestFile)) {
                Manifest manifest;
                try (var in = Files.newInputStream(manifestFile)) {
                    manifest = new Manifest(in);
                }
                manifest.getEntries().clear();
                try (var out = Files.newOutputStream(manifestFile)) {
                    manifest.write(out);
                }
            }
            System.out.println("made optional in " + jar.getFileName() + ": requires " + String.join(", ", relaxed));
        }
    }
}
