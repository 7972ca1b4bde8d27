package dev.valor.runtime.impl.startup;

import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.api.plugin.PluginType;
import dev.valor.runtime.impl.definition.DefinitionFile;
import dev.valor.runtime.impl.deploy.Deployer;
import dev.valor.runtime.impl.deploy.Origin;
import dev.valor.runtime.impl.deployfolder.DeployFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the plugins file named at start-up, then what the deploy folder holds ({@value #PLUGINS_FILE}), then announces that start-up
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

    @Reference
    private Deployer deployer;
    @Reference
    private DeployFolder deployFolder;

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
            if (file != null && !file.isBlank()) {
                loadFile(Paths.get(file).toAbsolutePath().normalize(),
                        dir == null || dir.isBlank() ? null : Paths.get(dir));
            }
            deployFolder.deployAll();
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(STARTUP, COMPLETE);
            marker = context.registerService(Object.class, new Object(), props);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Start-up loading failed", e);
        }
    }

    private void loadFile(Path file, Path pluginsDir) throws InterruptedException {
        List<DefinitionFile.Entry> entries;
        try {
            entries = DefinitionFile.read(file);
        } catch (DefinitionFile.FileException e) {
            LOG.error("Plugins file not loaded: {}", e.getMessage());
            return;
        }
        String source = file.toString();
        int loaded = 0;
        for (DefinitionFile.Entry entry : entries) {
            if (!entry.ok()) {
                LOG.error("{}: {}: {}", file, entry.label(), entry.error());
                deployer.failed(entry.definition(), entry.name(), Origin.PLUGINS_FILE, source, entry.error());
                continue;
            }
            PluginDefinition def = entry.definition();
            try {
                deployer.deploy(def, findJar(file.getParent(), pluginsDir, def), Origin.PLUGINS_FILE, source);
                loaded++;
            } catch (PluginException e) {
                LOG.error("{}: {}: {}", file, entry.label(), e.getMessage());
                deployer.failed(def, def.name(), Origin.PLUGINS_FILE, source, e.getMessage());
            }
        }
        if (loaded == entries.size()) {
            LOG.info("Loaded {} plugins from {}", loaded, file);
        } else {
            LOG.warn("Loaded {} of {} plugins from {}; {} failed (see above)", loaded, entries.size(), file,
                    entries.size() - loaded);
        }
    }

    /** The path as written relative to the plugins file, with or without .jar, then by name in the plugins folder. */
    static Path findJar(Path base, Path pluginsDir, PluginDefinition def) throws PluginException {
        String path = def.path();
        if (def.type() != PluginType.NATIVE) {
            Path given = Paths.get(path);
            return given.isAbsolute() ? given : base.resolve(given).normalize();
        }
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
