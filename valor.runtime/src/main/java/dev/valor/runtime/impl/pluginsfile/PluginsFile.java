package dev.valor.runtime.impl.pluginsfile;

import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.runtime.impl.definition.Artifacts;
import dev.valor.runtime.impl.definition.DefinitionFile;
import dev.valor.runtime.impl.deploy.Concurrently;
import dev.valor.runtime.impl.deploy.Deployer;
import dev.valor.runtime.impl.deploy.Origin;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins file given at start-up ({@code -p FILE}, framework property {@value #PLUGINS_FILE}),
 * in the original runtime's format. Each entry succeeds or fails alone; failures are logged with
 * the file and entry and recorded in the registry.
 */
@Component(service = PluginsFile.class)
public class PluginsFile {

    /** Framework property: the plugins file to load at start-up. */
    public static final String PLUGINS_FILE = "valor.plugins.file";
    /** Framework property: the folder searched for a plugin's artifact by name. */
    public static final String PLUGINS_DIR = "valor.plugins.dir";

    private static final Logger LOG = LoggerFactory.getLogger(PluginsFile.class);

    @Reference
    private Deployer deployer;

    private Path file;
    private Path pluginsDir;

    @Activate
    void activate(BundleContext context) {
        String f = context.getProperty(PLUGINS_FILE);
        String d = context.getProperty(PLUGINS_DIR);
        file = f == null || f.isBlank() ? null : Paths.get(f).toAbsolutePath().normalize();
        pluginsDir =
                d == null || d.isBlank() ? null : Paths.get(d).toAbsolutePath().normalize();
    }

    /** The folder where plugins are found by name. */
    public Path pluginsDir() {
        return pluginsDir;
    }

    /**
     * Deploys every entry of the file, side by side. An entry whose prefix an earlier one claims is
     * deployed after the rest, in the file's order, so the first in the file wins a prefix as it
     * would one at a time.
     */
    public void loadAll() throws InterruptedException {
        if (file == null) {
            return;
        }
        List<DefinitionFile.Entry> entries = read();
        if (entries == null) {
            return;
        }
        AtomicInteger loaded = new AtomicInteger();
        Set<String> prefixes = new HashSet<>();
        List<Concurrently.Step> first = new ArrayList<>();
        List<DefinitionFile.Entry> later = new ArrayList<>();
        for (DefinitionFile.Entry entry : entries) {
            if (entry.ok() && !prefixes.add(entry.definition().prefix())) {
                later.add(entry);
            } else {
                first.add(() -> {
                    if (deploy(entry, false)) {
                        loaded.incrementAndGet();
                    }
                });
            }
        }
        Concurrently.runAll(first);
        for (DefinitionFile.Entry entry : later) {
            if (deploy(entry, false)) {
                loaded.incrementAndGet();
            }
        }
        if (loaded.get() == entries.size()) {
            LOG.info("Loaded {} plugins from {}", loaded.get(), file);
        } else {
            LOG.warn(
                    "Loaded {} of {} plugins from {}; {} failed (see above)",
                    loaded.get(),
                    entries.size(),
                    file,
                    entries.size() - loaded.get());
        }
    }

    /** Reads the file again and deploys the entry of this name as a new version. */
    public void reload(String name) throws PluginException, InterruptedException {
        List<DefinitionFile.Entry> entries = read();
        if (entries == null) {
            throw new PluginException(file + " cannot be read (see the log)");
        }
        for (DefinitionFile.Entry entry : entries) {
            if (name.equals(entry.name())) {
                if (!deploy(entry, true)) {
                    throw new PluginException(
                            deployer.managed(name).map(m -> m.error()).orElse("see the log"));
                }
                return;
            }
        }
        throw new PluginException(file + " no longer defines a plugin named " + name);
    }

    private List<DefinitionFile.Entry> read() {
        try {
            return DefinitionFile.read(file);
        } catch (DefinitionFile.FileException e) {
            LOG.error("Plugins file not loaded: {}", e.getMessage());
            return null;
        }
    }

    private boolean deploy(DefinitionFile.Entry entry, boolean force) throws InterruptedException {
        String source = file.toString();
        if (!entry.ok()) {
            LOG.error("{}: {}: {}", file, entry.label(), entry.error());
            deployer.failed(entry.definition(), entry.name(), Origin.PLUGINS_FILE, source, entry.error());
            return false;
        }
        PluginDefinition def = entry.definition();
        Path artifact;
        try {
            artifact = Artifacts.find(file.getParent(), pluginsDir, def);
        } catch (PluginException e) {
            LOG.error("{}: {}: {}", file, entry.label(), e.getMessage());
            deployer.failed(def, def.name(), Origin.PLUGINS_FILE, source, e.getMessage());
            return false;
        }
        try {
            deployer.deploy(def, artifact, Origin.PLUGINS_FILE, source, force);
            return true;
        } catch (PluginException e) { // recorded by the deployer
            LOG.error("{}: {}: {}", file, entry.label(), e.getMessage());
            return false;
        }
    }
}
