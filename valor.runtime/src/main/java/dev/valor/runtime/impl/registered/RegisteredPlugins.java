package dev.valor.runtime.impl.registered;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.runtime.impl.definition.DefinitionFile;
import dev.valor.runtime.impl.deploy.Deployer;
import dev.valor.runtime.impl.deploy.Origin;
import dev.valor.runtime.impl.state.StateFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plugins registered at run time (shell {@code valor:load}, {@code POST /_plugins}), persisted in
 * {@code registered.json} under the state folder ({@value StateFiles#STATE_DIR}) in the plugins.json format
 * with absolute paths, so a restart brings them back. Written to a temporary file and renamed,
 * so a crash leaves the old file or the new one, never half of one.
 */
@Component(service = RegisteredPlugins.class)
public class RegisteredPlugins {

    private static final Logger LOG = LoggerFactory.getLogger(RegisteredPlugins.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Reference
    private Deployer deployer;

    private Path file;
    private final Map<String, PluginDefinition> registered = new LinkedHashMap<>(); // guarded by this

    @Activate
    void activate(BundleContext context) {
        file = StateFiles.folder(context).resolve("registered.json");
        removeLeftovers(file.getParent());
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            for (DefinitionFile.Entry entry : DefinitionFile.read(file)) {
                if (entry.ok()) {
                    registered.put(entry.definition().name(), entry.definition());
                } else {
                    LOG.error("{}: {}: {}", file, entry.label(), entry.error());
                }
            }
        } catch (DefinitionFile.FileException e) {
            LOG.error("Registered plugins not restored: {}", e.getMessage());
        }
    }

    private static final String TEMP_PREFIX = ".registered-";

    /** A save cut short (kill -9 between writing and renaming) leaves its temporary file; the next start removes it. */
    private static void removeLeftovers(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, TEMP_PREFIX + "*.json")) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
                LOG.info("Removed {}, left by a save that did not finish", leftover.getFileName());
            }
        } catch (IOException e) {
            LOG.warn("Cannot clean {}: {}", dir, e.getMessage());
        }
    }

    /** Where the registrations are kept: the definitions' source. */
    public String source() {
        return file.toString();
    }

    /** Deploys every registered plugin. */
    public void loadAll() throws InterruptedException {
        List<PluginDefinition> all;
        synchronized (this) {
            all = List.copyOf(registered.values());
        }
        for (PluginDefinition def : all) {
            try {
                deployer.deploy(def, Paths.get(def.path()), Origin.REGISTERED, source(), false);
            } catch (PluginException e) { // recorded by the deployer
                LOG.error("{}: {}: {}", file, def.name(), e.getMessage());
            }
        }
    }

    public synchronized Optional<PluginDefinition> get(String name) {
        return Optional.ofNullable(registered.get(name));
    }

    /** Keeps a definition whose path is absolute; it was deployed already. */
    public synchronized void put(PluginDefinition definition) throws PluginException {
        registered.put(definition.name(), definition);
        save();
    }

    public synchronized boolean remove(String name) throws PluginException {
        if (registered.remove(name) == null) {
            return false;
        }
        save();
        return true;
    }

    private void save() throws PluginException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("plugins");
        for (PluginDefinition def : registered.values()) {
            list.add(DefinitionFile.toJson(def));
        }
        try { // an acknowledged registration survives a crash
            StateFiles.write(
                    file,
                    TEMP_PREFIX,
                    ".json",
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new PluginException("cannot save the registered plugins to " + file + ": " + e.getMessage());
        }
    }
}
