package chat.server;

import chat.storage.HistoryStore;
import chat.storage.StorageException;
import chat.storage.spi.StoreProvider;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Opens a history store other than the journal, for {@code chat server --store URL}: the
 * provider of the URL's scheme, from the boot layer or from {@code STORES/<scheme>/}, a
 * folder of module jars (the image's {@code lib/stores/}) loaded into a layer of its own.
 * The jars there may be automatic modules (the PostgreSQL driver is one), which jlink
 * cannot link but a layer loads.
 */
public final class Stores {

    private Stores() {
    }

    /**
     * @param url       e.g. {@code postgresql://chat@127.0.0.1:5432/chat}
     * @param password  the database password, or null
     * @param storesDir the folder of store kinds, one subfolder per scheme (null: the boot layer only)
     */
    public static HistoryStore open(String url, char[] password, Path storesDir) throws ServerException {
        try {
            return provider(url, storesDir).open(url, password);
        } catch (StorageException e) {
            throw new ServerException(e.getMessage(), e);
        }
    }

    /**
     * For {@code chat server --check}: whether {@link #open} would succeed, asked of the
     * store with as few changes as it can make (the PostgreSQL store reads, never writes).
     *
     * @return what was found, as a phrase
     */
    public static String check(String url, char[] password, Path storesDir) throws ServerException {
        try {
            return provider(url, storesDir).check(url, password);
        } catch (StorageException e) {
            throw new ServerException(e.getMessage(), e);
        }
    }

    private static StoreProvider provider(String url, Path storesDir) throws ServerException {
        int sep = url.indexOf("://");
        if (sep <= 0) {
            throw new ServerException("--store " + url + " is not a URL like postgresql://USER@HOST:PORT/DATABASE");
        }
        String scheme = url.substring(0, sep);
        StoreProvider provider = find(ServiceLoader.load(StoreProvider.class), scheme);
        if (provider == null && storesDir != null && Files.isDirectory(storesDir.resolve(scheme))) {
            provider = find(ServiceLoader.load(layer(storesDir.resolve(scheme)), StoreProvider.class), scheme);
        }
        if (provider == null) {
            throw new ServerException("--store " + url + ": this server has no store for '" + scheme + "' (it has "
                    + known(storesDir) + ")");
        }
        return provider;
    }

    private static StoreProvider find(ServiceLoader<StoreProvider> loader, String scheme) {
        for (StoreProvider p : loader) {
            if (p.scheme().equalsIgnoreCase(scheme)) {
                return p;
            }
        }
        return null;
    }

    private static ModuleLayer layer(Path dir) throws ServerException {
        ModuleFinder finder = ModuleFinder.of(dir);
        try {
            Set<String> roots = new TreeSet<>();
            for (ModuleReference ref : finder.findAll()) {
                roots.add(ref.descriptor().name());
            }
            ModuleLayer boot = ModuleLayer.boot();
            Configuration cf = boot.configuration().resolve(finder, ModuleFinder.of(), roots);
            return boot.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
        } catch (FindException | java.lang.LayerInstantiationException | SecurityException e) {
            throw new ServerException("cannot load the store modules in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String known(Path storesDir) {
        List<String> kinds = new ArrayList<>(List.of("the journal (--data)"));
        if (storesDir != null && Files.isDirectory(storesDir)) {
            try (var dirs = Files.list(storesDir)) {
                dirs.filter(Files::isDirectory).forEach(d -> kinds.add(d.getFileName() + "://"));
            } catch (IOException e) {
                // listed for the message only
            }
        }
        return String.join(", ", kinds);
    }

}
