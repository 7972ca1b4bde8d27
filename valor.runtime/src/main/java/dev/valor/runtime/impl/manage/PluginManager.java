package dev.valor.runtime.impl.manage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.runtime.impl.definition.Artifacts;
import dev.valor.runtime.impl.definition.DefinitionFile;
import dev.valor.runtime.impl.deploy.Deployer;
import dev.valor.runtime.impl.deploy.Managed;
import dev.valor.runtime.impl.deploy.Origin;
import dev.valor.runtime.impl.deploy.PluginConflict;
import dev.valor.runtime.impl.deployfolder.DeployFolder;
import dev.valor.runtime.impl.fleet.Fleet;
import dev.valor.runtime.impl.pluginsfile.PluginsFile;
import dev.valor.runtime.impl.registered.RegisteredPlugins;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** What the shell and the registry endpoint may do to plugins: register, unload, reload. */
@Component(service = PluginManager.class)
public class PluginManager {

    private static final ObjectMapper JSON = DefinitionFile.JSON;

    @Reference
    private Deployer deployer;

    @Reference
    private RegisteredPlugins registered;

    @Reference
    private PluginsFile pluginsFile;

    @Reference
    private DeployFolder deployFolder;

    @Reference
    private Fleet fleet;

    /** Whether registrations go to a fleet rather than to this node's own. */
    public boolean inFleet() {
        return fleet.on();
    }

    /**
     * Deploys a new plugin and keeps it across restarts: in the fleet's set when this node is in a
     * fleet, else in this node's registrations. Its path is resolved against {@code base}, then in
     * the plugins folder. A name or prefix in use is a {@link PluginConflict}; any other failure
     * leaves nothing behind.
     */
    public Managed register(PluginDefinition def, Path base) throws PluginException, InterruptedException {
        ReentrantLock lock = deployer.lockOf(def.name()); // the name's, not all names': deploys of others go on
        lock.lockInterruptibly();
        try {
            Managed existing = deployer.managed(def.name()).orElse(null);
            if (existing != null) {
                throw new PluginConflict(
                        "a plugin named '" + def.name() + "' exists already (" + existing.source() + ")");
            }
            Path artifact = Artifacts.find(base, pluginsFile.pluginsDir(), def);
            PluginDefinition absolute = def.withPath(artifact.toString());
            Origin origin = fleet.on() ? Origin.FLEET : Origin.REGISTERED;
            Managed managed;
            try {
                managed = fleet.on()
                        ? fleet.put(absolute, artifact, true)
                        : deployer.deploy(absolute, artifact, origin, registered.source(), false);
            } catch (PluginException e) {
                if (deployer.managed(def.name())
                        .map(m -> m.origin() == origin && !m.serving())
                        .orElse(false)) {
                    deployer.undeploy(def.name()); // a refused registration leaves no record behind
                }
                throw e;
            }
            if (!fleet.on()) {
                registered.put(absolute);
            }
            return managed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deploys a registered plugin's new version by the same atomic swap as the deploy folder (the
     * old version serves until the new one does, and stays when the new one is refused), or
     * registers it when there is none. A plugin of another origin is not the registry's to
     * replace: a {@link PluginConflict} saying where it comes from.
     *
     * @return true if it was created, false if it replaced one
     */
    public boolean replace(PluginDefinition def, Path base) throws PluginException, InterruptedException {
        ReentrantLock lock = deployer.lockOf(def.name());
        lock.lockInterruptibly();
        try {
            Managed existing = deployer.managed(def.name()).orElse(null);
            if (existing == null && fleet.on()) {
                // The fleet may have it though this node does not run it (it failed here, say).
                boolean created = !fleet.has(def.name());
                Path artifact = Artifacts.find(base, pluginsFile.pluginsDir(), def);
                fleet.put(def.withPath(artifact.toString()), artifact, false);
                return created;
            }
            if (existing == null) {
                register(def, base); // the lock is re-entrant
                return true;
            }
            notTheRegistrys(existing);
            Path artifact = Artifacts.find(base, pluginsFile.pluginsDir(), def);
            PluginDefinition absolute = def.withPath(artifact.toString());
            if (existing.origin() == Origin.FLEET) {
                fleet.put(absolute, artifact, false);
            } else {
                deployer.deploy(absolute, artifact, Origin.REGISTERED, registered.source(), false);
                registered.put(absolute);
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unloads a registered plugin now and forgets it for good (a fleet plugin: on every node of the
     * fleet). One from the deploy folder or the
     * plugins file is theirs: it would come back at the next start, so it is refused with where
     * it comes from ({@link PluginConflict}).
     *
     * @return false if there is no such plugin
     */
    public boolean unload(String name) throws PluginException {
        ReentrantLock lock = deployer.lockOf(name);
        lock.lock();
        try {
            Managed existing = deployer.managed(name).orElse(null);
            if (existing != null) {
                notTheRegistrys(existing);
            }
            if (fleet.on() && (existing == null || existing.origin() == Origin.FLEET)) {
                return fleet.remove(name); // also a plugin this node failed to deploy, or never had
            }
            registered.remove(name);
            return deployer.undeploy(name);
        } finally {
            lock.unlock();
        }
    }

    private static void notTheRegistrys(Managed m) throws PluginConflict {
        switch (m.origin()) {
            case DEPLOY_FOLDER:
                throw new PluginConflict("plugin '" + m.definition().name() + "' comes from the deploy folder ("
                        + m.source() + "): remove or replace the file there");
            case PLUGINS_FILE:
                throw new PluginConflict("plugin '" + m.definition().name() + "' comes from the plugins file ("
                        + m.source() + "): change its entry there");
            default:
            // registered: the registry's own
        }
    }

    /** Reads the plugin's source again and deploys it as a new version. */
    public void reload(String name) throws PluginException, InterruptedException {
        Managed m = deployer.managed(name).orElseThrow(() -> new PluginException("no plugin named " + name));
        switch (m.origin()) {
            case PLUGINS_FILE:
                pluginsFile.reload(name);
                break;
            case DEPLOY_FOLDER:
                deployFolder.reload(Paths.get(m.source()));
                break;
            case FLEET:
                deployer.deploy(m.definition(), Paths.get(m.definition().path()), Origin.FLEET, m.source(), true);
                break;
            case REGISTERED:
                PluginDefinition def =
                        registered.get(name).orElseThrow(() -> new PluginException("no registration for " + name));
                deployer.deploy(def, Paths.get(def.path()), Origin.REGISTERED, registered.source(), true);
                break;
            default:
                throw new IllegalStateException(m.origin().name());
        }
    }

    /**
     * Definitions from JSON text: one definition object, or a plugins file's
     * {@code {"plugins": [...]}}. Invalid text or entries throw with the reason.
     */
    public static List<PluginDefinition> parse(String json, String what) throws PluginException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PluginException(what + " is not valid JSON: " + e.getOriginalMessage());
        }
        List<PluginDefinition> defs = new ArrayList<>();
        if (root != null && root.has("plugins")) {
            try {
                for (DefinitionFile.Entry entry : DefinitionFile.parse(what, json)) {
                    if (!entry.ok()) {
                        throw new PluginException(what + ": " + entry.label() + ": " + entry.error());
                    }
                    defs.add(entry.definition());
                }
            } catch (DefinitionFile.FileException e) {
                throw new PluginException(e.getMessage());
            }
            return defs;
        }
        DefinitionFile.Entry entry = DefinitionFile.entry(1, root);
        if (!entry.ok()) {
            throw new PluginException(what + ": " + entry.error());
        }
        defs.add(entry.definition());
        return defs;
    }
}
