package chat.client.spi;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Finds frontends: those linked into the image and those in jars of a plugins folder,
 * which are loaded as named modules in a child layer of the boot layer, with no rebuild.
 * Lookup: the name asked for, else the default ({@code cli}, or the only one there is);
 * an unknown name fails with the list of available names.
 */
public final class Frontends {

    public static final String DEFAULT = "cli";

    private final Map<String, Frontend> byName;
    private final List<String> warnings;

    private Frontends(Map<String, Frontend> byName, List<String> warnings) {
        this.byName = byName;
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Loads the frontends of {@code pluginsDir} (if it exists) and of the image. A plugin
     * that cannot be loaded (not a jar, a missing module, a provider that throws) is left
     * out with a warning: it never stops the built-in frontends from working. Plugins
     * come first, so a plugin may take a built-in's name.
     */
    public static Frontends load(Path pluginsDir) throws FrontendException {
        List<String> warnings = new ArrayList<>();
        Map<String, Frontend> byName = new TreeMap<>();
        for (ModuleLayer layer : pluginLayers(pluginsDir, warnings)) {
            collect(layer, byName, warnings);
        }
        collect(ModuleLayer.boot(), byName, warnings);
        return new Frontends(byName, warnings);
    }

    /** The frontends {@code found}, by name; the first of two with the same name wins. */
    static Frontends of(Iterable<? extends Frontend> found) {
        Map<String, Frontend> byName = new TreeMap<>();
        for (Frontend f : found) {
            byName.putIfAbsent(f.name(), f);
        }
        return new Frontends(byName, List.of());
    }

    private static void collect(ModuleLayer layer, Map<String, Frontend> byName, List<String> warnings) {
        Iterator<ServiceLoader.Provider<Frontend>> providers = ServiceLoader.load(layer, Frontend.class).stream().iterator();
        while (true) {
            String which = "a frontend";
            try {
                if (!providers.hasNext()) {
                    return;
                }
                ServiceLoader.Provider<Frontend> provider = providers.next();
                which = provider.type().getName();
                Frontend f = provider.get();
                byName.putIfAbsent(f.name(), f); // name() here: a plugin built against another API fails now
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                warnings.add("skipped " + which + ": " + describe(e));
            }
        }
    }

    private static String describe(Throwable e) {
        StringBuilder out = new StringBuilder(e instanceof ServiceConfigurationError ? e.getMessage() : e.toString());
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            out.append(": ").append(cause);
        }
        return out.toString();
    }

    /**
     * One child layer holding every plugin jar; if they do not resolve together, one layer
     * per jar, leaving out (with a warning) each jar that does not resolve on its own.
     */
    private static List<ModuleLayer> pluginLayers(Path pluginsDir, List<String> warnings) throws FrontendException {
        if (pluginsDir == null || !Files.isDirectory(pluginsDir)) {
            return List.of();
        }
        List<Path> jars;
        try (var files = Files.list(pluginsDir)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new FrontendException("cannot read plugins folder " + pluginsDir + ": " + e.getMessage());
        }
        if (jars.isEmpty()) {
            return List.of();
        }
        try {
            return List.of(layer(jars.toArray(Path[]::new)));
        } catch (FindException | ResolutionException | LayerInstantiationException | SecurityException together) {
            List<ModuleLayer> layers = new ArrayList<>();
            for (Path jar : jars) {
                try {
                    layers.add(layer(jar));
                } catch (FindException | ResolutionException | LayerInstantiationException | SecurityException e) {
                    warnings.add("skipped plugin " + jar + ": " + describe(e));
                }
            }
            return layers;
        }
    }

    private static ModuleLayer layer(Path... jars) {
        ModuleLayer boot = ModuleLayer.boot();
        ModuleFinder finder = ModuleFinder.of(jars);
        Set<String> roots = finder.findAll().stream().map(ModuleReference::descriptor)
                .map(java.lang.module.ModuleDescriptor::name).collect(Collectors.toSet());
        Configuration config = boot.configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
        return boot.defineModulesWithOneLoader(config, ClassLoader.getSystemClassLoader());
    }

    /** Plugins that were left out, one sentence each. */
    public List<String> warnings() {
        return warnings;
    }

    /** Names of every frontend found, sorted. */
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    /** Every frontend found, by name, sorted by name. */
    public Map<String, Frontend> all() {
        return Collections.unmodifiableMap(byName);
    }

    /** The frontend named {@code name}, or the default when {@code name} is null. */
    public Frontend select(String name) throws FrontendException {
        if (name != null) {
            Frontend f = byName.get(name);
            if (f == null) {
                throw new FrontendException("no frontend named '" + name + "'; available: " + String.join(", ", names())
                        + (warnings.isEmpty() ? "" : " (some plugins were skipped, see above)"));
            }
            return f;
        }
        if (byName.containsKey(DEFAULT)) {
            return byName.get(DEFAULT);
        }
        if (byName.size() == 1) {
            return byName.values().iterator().next();
        }
        if (byName.isEmpty()) {
            throw new FrontendException("no frontend is installed");
        }
        throw new FrontendException("choose a frontend with --frontend: " + String.join(", ", names()));
    }

}
