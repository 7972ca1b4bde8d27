package dev.valor.runtime.impl.startup;

import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginType;
import dev.valor.runtime.impl.definition.DefinitionFile;
import dev.valor.runtime.impl.nativeplugin.NativePlugins;
import dev.valor.runtime.impl.nativeplugin.PluginException;
import dev.valor.runtime.impl.registry.Registry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the plugins file named at start-up ({@value #PLUGINS_FILE}), then announces that start-up
 * loading is over with a marker service ({@value #STARTUP}={@value #COMPLETE}) the launcher waits for.
 * Each entry succeeds or fails alone; failures are logged with the file and entry, and recorded
 * in the registry.
 */
@Component(immediate = true)
public class StartupLoader {

    /** Framework property: the plugins file to load at start-up. */
    public static final String PLUGINS_FILE = "valor.plugins.file";
    /** Framework property: the folder searched for a native plugin's jar by name. */
    public static final String PLUGINS_DIR = "valor.plugins.dir";
    /** Framework property: "true" enables the /_plugins registry endpoint. */
    public static final String REGISTRY_ENDPOINT = "valor.registry.endpoint";
    /** Service property of the marker registered when start-up loading is over. */
    public static final String STARTUP = "valor.startup";
    public static final String COMPLETE = "complete";

    private static final Logger LOG = LoggerFactory.getLogger(StartupLoader.class);
    private static final String ORIGIN = "plugins-file";
    private static final long ARRIVAL_WAIT_MS = 10_000;

    @Reference
    private Registry registry;
    @Reference
    private ConfigurationAdmin configAdmin;
    @Reference
    private ServiceComponentRuntime scr;

    private Thread loader;
    private volatile ServiceRegistration<?> marker;

    @Activate
    void activate(BundleContext context, ComponentContext component) {
        if (Boolean.parseBoolean(context.getProperty(REGISTRY_ENDPOINT))) {
            component.enableComponent("dev.valor.runtime.impl.endpoint.RegistryEndpoint");
        }
        String file = context.getProperty(PLUGINS_FILE);
        String dir = context.getProperty(PLUGINS_DIR);
        // Installing bundles from inside an activation would re-enter SCR: do it on our own thread.
        loader = new Thread(() -> load(context, file, dir), "valor-startup");
        loader.setDaemon(true);
        loader.start();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        loader.interrupt();
        loader.join(5_000);
        ServiceRegistration<?> m = marker;
        if (m != null) {
            try {
                m.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
    }

    private void load(BundleContext context, String file, String dir) {
        try {
            NativePlugins natives = new NativePlugins(context, configAdmin, scr);
            Set<String> loaded = new HashSet<>();
            if (file != null && !file.isBlank()) {
                loaded = loadFile(Paths.get(file).toAbsolutePath().normalize(),
                        dir == null || dir.isBlank() ? null : Paths.get(dir), natives);
            }
            natives.removeStale(ORIGIN, loaded);
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(STARTUP, COMPLETE);
            marker = context.registerService(Object.class, new Object(), props);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.error("Start-up loading failed", e);
        }
    }

    private Set<String> loadFile(Path file, Path pluginsDir, NativePlugins natives) throws InterruptedException {
        List<DefinitionFile.Entry> entries;
        try {
            entries = DefinitionFile.read(file);
        } catch (DefinitionFile.FileException e) {
            LOG.error("Plugins file not loaded: {}", e.getMessage());
            return Set.of();
        }
        Set<String> installed = new HashSet<>();
        List<CompletableFuture<Void>> arrivals = new ArrayList<>();
        int failed = 0;
        for (DefinitionFile.Entry entry : entries) {
            if (!entry.ok()) {
                failed++;
                LOG.error("{}: {}: {}", file, entry.label(), entry.error());
                if (entry.definition() != null) { // valid alone, but its prefix is taken: worth showing
                    registry.failed(entry.definition(), file.toString(), entry.error());
                }
                continue;
            }
            PluginDefinition def = entry.definition();
            try {
                if (def.type() != PluginType.NATIVE) {
                    throw new PluginException("plugins of type " + def.type().id() + " are not supported yet");
                }
                Path jar = findJar(file.getParent(), pluginsDir, def.path());
                NativePlugins.Installed result = natives.install(def, jar, ORIGIN);
                registry.installed(def, result.location(), result.version());
                installed.add(def.name());
                arrivals.add(registry.arrival(def.name()));
            } catch (PluginException e) {
                failed++;
                registry.failed(def, file.toString(), e.getMessage());
                LOG.error("{}: {}: {}", file, entry.label(), e.getMessage());
            }
        }
        try {
            CompletableFuture.allOf(arrivals.toArray(CompletableFuture[]::new))
                    .get(ARRIVAL_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Some plugins from {} are not serving after {} ms; see the registry", file, ARRIVAL_WAIT_MS);
        }
        if (failed == 0) {
            LOG.info("Loaded {} plugins from {}", installed.size(), file);
        } else {
            LOG.warn("Loaded {} of {} plugins from {}; {} failed (see above)", installed.size(), entries.size(),
                    file, failed);
        }
        return installed;
    }

    /** The path as written relative to the plugins file, with or without .jar, then by name in the plugins folder. */
    static Path findJar(Path base, Path pluginsDir, String path) throws PluginException {
        List<Path> tried = new ArrayList<>();
        Path given = Paths.get(path);
        List<Path> candidates = new ArrayList<>();
        Path relative = given.isAbsolute() ? given : base.resolve(given);
        candidates.add(relative);
        candidates.add(Paths.get(relative + ".jar"));
        if (pluginsDir != null && !given.isAbsolute()) {
            candidates.add(pluginsDir.resolve(given));
            candidates.add(pluginsDir.resolve(path + ".jar"));
        }
        for (Path candidate : candidates) {
            Path c = candidate.normalize();
            tried.add(c);
            if (Files.isRegularFile(c)) {
                return c;
            }
        }
        throw new PluginException("no bundle jar for path '" + path + "' (looked for " + tried + ")");
    }
}
