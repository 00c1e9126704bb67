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

    private Frontends(Map<String, Frontend> byName) {
        this.byName = byName;
    }

    /** Loads the frontends of the boot layer and of {@code pluginsDir} (if it exists). */
    public static Frontends load(Path pluginsDir) throws FrontendException {
        ModuleLayer layer = pluginLayer(pluginsDir);
        List<Frontend> found = new ArrayList<>();
        try {
            for (Frontend f : ServiceLoader.load(layer, Frontend.class)) {
                f.name(); // a plugin built against another version of this API fails here, not later
                found.add(f);
            }
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            // a plugin whose provider cannot be instantiated (its constructor threw, it is not public...)
            throw new FrontendException("cannot load a frontend" + (pluginsDir == null ? "" : " (plugins in " + pluginsDir
                    + ")") + ": " + describe(e));
        }
        return of(found);
    }

    /** The frontends {@code found}, by name; the first of two with the same name wins (plugins come first). */
    static Frontends of(Iterable<? extends Frontend> found) {
        Map<String, Frontend> byName = new TreeMap<>();
        for (Frontend f : found) {
            byName.putIfAbsent(f.name(), f);
        }
        return new Frontends(byName);
    }

    private static String describe(Throwable e) {
        StringBuilder out = new StringBuilder(e instanceof ServiceConfigurationError ? e.getMessage() : e.toString());
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            out.append(": ").append(cause);
        }
        return out.toString();
    }

    private static ModuleLayer pluginLayer(Path pluginsDir) throws FrontendException {
        ModuleLayer boot = ModuleLayer.boot();
        if (pluginsDir == null || !Files.isDirectory(pluginsDir)) {
            return boot;
        }
        try (var jars = Files.list(pluginsDir)) {
            if (jars.noneMatch(p -> p.getFileName().toString().endsWith(".jar"))) {
                return boot;
            }
        } catch (IOException e) {
            throw new FrontendException("cannot read plugins folder " + pluginsDir + ": " + e.getMessage());
        }
        try {
            ModuleFinder finder = ModuleFinder.of(pluginsDir);
            Set<String> roots = finder.findAll().stream().map(ModuleReference::descriptor)
                    .map(java.lang.module.ModuleDescriptor::name).collect(Collectors.toSet());
            Configuration config = boot.configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
            return boot.defineModulesWithOneLoader(config, ClassLoader.getSystemClassLoader());
        } catch (FindException | ResolutionException | LayerInstantiationException | SecurityException e) {
            throw new FrontendException("cannot load the plugins in " + pluginsDir + ": " + e.getMessage());
        }
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
                throw new FrontendException("no frontend named '" + name + "'; available: " + String.join(", ", names()));
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
