package dev.valor.runtime.impl.fleet;

import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.runtime.impl.definition.DefinitionFile;
import dev.valor.runtime.impl.deploy.Concurrently;
import dev.valor.runtime.impl.deploy.Deployer;
import dev.valor.runtime.impl.deploy.Managed;
import dev.valor.runtime.impl.deploy.Origin;
import dev.valor.runtime.impl.deploy.PluginConflict;
import dev.valor.runtime.impl.state.Sha;
import dev.valor.runtime.impl.state.StateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Keeps this node's fleet plugins equal to the fleet's set in Redis ({@code bin/valor --fleet},
 * docs/fleet.md): at start it takes the whole set, then follows the log of changes; after Redis was
 * away it takes the whole set again, so no change is missed. Meanwhile the node serves what it has.
 * A change made on this node (the shell, {@code /_plugins}) is deployed here first, which checks it
 * with the same errors as any deploy, and written to the fleet only then; it is acknowledged once
 * Redis has it. Off (every method a no-op) without the framework property {@value #URL}.
 */
@Component(service = Fleet.class)
public class Fleet {

    /** Framework property: the fleet's Redis, {@code redis://HOST:PORT/DB}. */
    public static final String URL = "valor.fleet";

    private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);
    private static final int TIMEOUT_MS = 2_000;
    /** How long one read of the log waits for a change; also how often failed plugins are retried at most. */
    private static final int BLOCK_MS = 2_000;

    private static final long RETRY_FAILED_MS = 10_000;
    private static final long MAX_BACKOFF_MS = 1_000;
    private static final String SET_FILE = "set.json";

    @Reference
    private Deployer deployer;

    private FleetStore store;
    private String source;
    private Path copies;
    private Thread follower;
    private volatile boolean stopped;
    /** Completes once this node runs the whole set (every entry deployed) for the first time. */
    private final CompletableFuture<Void> inStep = new CompletableFuture<>();
    /** Fleet plugins this node could not deploy, with the reason. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    /**
     * The fleet's entries this node runs, kept in {@code fleet/set.json} too: a node that starts
     * while Redis is away runs the last set it ran (as Kong's data planes keep their last config).
     */
    private final Map<String, String> running = new ConcurrentHashMap<>();

    private volatile boolean runningChanged;
    private boolean triedLastKnown; // the follower's

    private volatile boolean reachable;
    private String fleetId; // the follower's
    /** Redis came back empty under a new id; the follower keeps what it runs. */
    private boolean lostData;

    @Activate
    void activate(BundleContext context) {
        String url = context.getProperty(URL);
        if (url == null || url.isBlank()) {
            inStep.complete(null);
            return;
        }
        store = new FleetStore(url.strip(), TIMEOUT_MS, BLOCK_MS);
        source = "fleet " + store.where();
        copies = StateFiles.folder(context).resolve("fleet"); // this node's copies of the artifacts
        follower = new Thread(this::follow, "valor-fleet");
        follower.setDaemon(true);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (store == null) {
            return;
        }
        stopped = true;
        synchronized (follower) {
            if (follower.getState() != Thread.State.NEW) {
                follower.interrupt();
                follower.join(5_000);
            }
        }
        store.close();
    }

    /** Whether this node is in a fleet. */
    public boolean on() {
        return store != null;
    }

    /** The source every fleet plugin shows: "fleet redis://HOST:PORT/DB". */
    public String source() {
        return source;
    }

    /**
     * Starts following the fleet and waits until this node runs every plugin of its set, the first
     * time: a node that could not deploy its set is not ready (it retries the failed ones
     * meanwhile). Called by the start-up loader once every kind's handler is there and the node's
     * own plugins file and registrations are deployed. Returns at once when off.
     */
    public void followAndAwaitInStep() throws InterruptedException {
        if (store == null) {
            return;
        }
        synchronized (follower) {
            if (follower.getState() == Thread.State.NEW) {
                follower.start();
                LOG.info("Following the fleet at {}", store.where());
            }
        }
        try {
            inStep.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Registers or replaces a plugin in the fleet: deployed on this node first (a bad artifact is
     * refused here, before anything is written), then written to the fleet with its artifact. If
     * the write fails, this node goes back to what it served. The caller holds the name's lock.
     *
     * @param create refuse a name the fleet has already ({@link PluginConflict})
     */
    public Managed put(PluginDefinition def, Path artifact, boolean create)
            throws PluginException, InterruptedException {
        store.ping(); // Redis away: refused before this node changes anything
        if (create && store.entry(def.name()) != null) {
            throw new PluginConflict("a plugin named '" + def.name() + "' is in the fleet already (" + source + ")");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(artifact);
        } catch (NoSuchFileException e) {
            throw new PluginException("no such file: " + artifact);
        } catch (IOException e) {
            throw new PluginException("cannot read " + artifact + ": " + e.getMessage());
        }
        FleetEntry entry =
                FleetEntry.of(def, Sha.sha256(bytes), artifact.getFileName().toString());
        Path copy = keep(entry, bytes);
        PluginDefinition here = entry.definition(copy); // exactly what the other nodes will deploy
        Managed before = deployer.managed(def.name())
                .filter(m -> m.origin() == Origin.FLEET && m.serving())
                .orElse(null);
        Managed deployed = deployer.deploy(here, copy, Origin.FLEET, source, false);
        try {
            store.put(def.name(), entry.json(), entry.sha256(), bytes, create);
        } catch (FleetUnavailable e) {
            if (!wasWritten(def.name(), entry)) {
                restore(def.name(), before);
                throw e;
            }
        } catch (PluginException e) {
            restore(def.name(), before);
            throw e;
        }
        failures.remove(def.name());
        return deployed;
    }

    /** Whether the fleet's set has a plugin of that name. */
    public boolean has(String name) throws FleetUnavailable {
        return store.entry(name) != null;
    }

    /** Takes a plugin out of the fleet and off this node; false if neither had it. */
    public boolean remove(String name) throws PluginException {
        boolean inFleet = store.remove(name);
        boolean here =
                deployer.managed(name).filter(m -> m.origin() == Origin.FLEET).isPresent() && deployer.undeploy(name);
        failures.remove(name);
        return inFleet || here;
    }

    /** Whether a write whose answer was lost (a timeout, a dropped connection) was made all the same. */
    private boolean wasWritten(String name, FleetEntry entry) {
        try {
            return entry.json().equals(store.entry(name));
        } catch (FleetUnavailable e) {
            return false; // unknown: said as not written; if it was, this node follows it when Redis is back
        }
    }

    /** After a write to the fleet failed: what served before serves again, or nothing if nothing did. */
    private void restore(String name, Managed before) throws InterruptedException {
        try {
            if (before == null) {
                deployer.undeploy(name);
            } else {
                deployer.deploy(
                        before.definition(), Paths.get(before.definition().path()), Origin.FLEET, source, false);
            }
        } catch (PluginException e) {
            LOG.error(
                    "Plugin {}: the fleet did not take the change and the earlier version did not return: {}",
                    name,
                    e.getMessage());
        }
    }

    private void follow() {
        StreamEntryID at = null; // null: take the whole set first
        long backoff = 50;
        long retryAt = 0;
        Jedis log = null;
        while (!stopped) {
            try {
                if (at == null) {
                    at = resync();
                    if (!reachable) {
                        LOG.info("The fleet's Redis at {} is reachable: this node runs the fleet's set", store.where());
                    }
                    reachable = true;
                    backoff = 50;
                }
                if (log == null) {
                    log = store.follower();
                }
                saveRunning(); // after a full take of the set
                for (FleetStore.Change change : FleetStore.changes(log, at, BLOCK_MS)) {
                    apply(change.name());
                    at = change.id();
                }
                saveRunning();
                if (!failures.isEmpty() && System.currentTimeMillis() >= retryAt) {
                    retryAt = System.currentTimeMillis() + RETRY_FAILED_MS;
                    for (String name : List.copyOf(failures.keySet())) {
                        apply(name);
                    }
                }
            } catch (FleetUnavailable | JedisException e) {
                if (stopped) {
                    break;
                }
                if (reachable || at == null && backoff == 50) {
                    LOG.warn(
                            "The fleet's Redis at {} is unreachable ({}): this node serves the set it has and catches up when Redis is back",
                            store.where(),
                            e instanceof FleetUnavailable ? e.getMessage() : FleetStore.rootCause(e));
                }
                reachable = false;
                at = null;
                if (log != null) {
                    log.close();
                    log = null;
                }
                if (!triedLastKnown && !inStep.isDone()) {
                    triedLastKnown = true;
                    try {
                        runLastKnown();
                    } catch (InterruptedException interrupted) {
                        break;
                    }
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(backoff); // a reconnect interval, not a wait for completion
                } catch (InterruptedException interrupted) {
                    break;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                LOG.error("Following the fleet failed; taking the whole set again", e);
                at = null;
                try {
                    TimeUnit.MILLISECONDS.sleep(MAX_BACKOFF_MS); // not in a tight loop, whatever it was
                } catch (InterruptedException interrupted) {
                    break;
                }
            }
        }
        if (log != null) {
            log.close();
        }
    }

    /** Takes the whole set: deploys what this node lacks or runs differently, undeploys what left. */
    private StreamEntryID resync() throws FleetUnavailable, InterruptedException {
        FleetStore.Snapshot snapshot = store.snapshot();
        if (fleetId != null && !fleetId.equals(snapshot.fleetId())) {
            if (snapshot.entries().isEmpty()) {
                // Redis came back without its data: an empty set is not the operator's wish. Kept
                // until the new fleet has a plugin, which makes its set the one to run.
                if (!lostData) {
                    lostData = true;
                    LOG.error(
                            "The fleet's Redis at {} lost its data (a new fleet id): this node keeps serving its fleet plugins; restore Redis or register them again",
                            store.where());
                }
                return snapshot.at();
            }
            LOG.warn("The fleet at {} has a new set since it lost its data: this node now runs it", store.where());
        }
        fleetId = snapshot.fleetId();
        lostData = false;
        Set<String> names = new TreeSet<>(snapshot.entries().keySet());
        names.addAll(deployer.names(Origin.FLEET, null)); // those that left are undeployed
        List<Concurrently.Step> steps = new ArrayList<>();
        List<FleetUnavailable> unreachable = new ArrayList<>();
        for (String name : names) {
            steps.add(() -> {
                try {
                    apply(name);
                } catch (FleetUnavailable e) {
                    synchronized (unreachable) {
                        unreachable.add(e);
                    }
                }
            });
        }
        Concurrently.runAll(steps);
        if (!unreachable.isEmpty()) {
            throw unreachable.get(0);
        }
        if (failures.isEmpty() && inStep.complete(null)) {
            LOG.info("This node runs the fleet's {} plugins", snapshot.entries().size());
        }
        return snapshot.at();
    }

    /**
     * Makes this node run one plugin as the fleet's entry says now, or not at all when there is
     * none; records a failure. Under the name's lock, with the entry read inside it: a registration
     * on this node in progress is answered first, and what is applied is never older than it.
     */
    private void apply(String name) throws FleetUnavailable, InterruptedException {
        ReentrantLock lock = deployer.lockOf(name);
        lock.lockInterruptibly();
        try {
            applyLocked(name, store.entry(name));
        } finally {
            lock.unlock();
        }
        if (failures.isEmpty() && !inStep.isDone() && reachable) {
            inStep.complete(null);
        }
    }

    private void applyLocked(String name, String json) throws FleetUnavailable, InterruptedException {
        if (json == null) {
            if (deployer.managed(name).filter(m -> m.origin() == Origin.FLEET).isPresent()) {
                deployer.undeploy(name);
            }
            failures.remove(name);
            if (running.remove(name) != null) {
                runningChanged = true;
            }
            return;
        }
        PluginDefinition def = null;
        boolean deploying = false;
        try {
            FleetEntry entry = FleetEntry.parse(json);
            def = entry.definition(entry.copyIn(copies)); // known before the copy: a failure shows under it
            Path copy = copyOf(entry);
            deploying = true; // from here on the deployer records its own failures
            deployer.deploy(def, copy, Origin.FLEET, source, false);
            if (!json.equals(running.put(name, json))) {
                runningChanged = true;
            }
            if (failures.remove(name) != null) {
                LOG.info("Fleet plugin {} now deploys on this node", name);
            }
        } catch (FleetUnavailable e) {
            throw e;
        } catch (PluginException | RuntimeException e) {
            String reason = e instanceof PluginException ? e.getMessage() : "cannot apply the fleet's entry: " + e;
            if (!deploying) { // shown in /_plugins and valor:list as a failed deploy is
                deployer.failed(def, name, Origin.FLEET, source, reason);
            }
            if (!reason.equals(failures.put(name, reason))) {
                LOG.error("Fleet plugin {} is not deployed on this node: {}", name, reason);
            }
        }
    }

    /**
     * Redis is away as this node starts: it runs the set it ran last, from {@code fleet/set.json}
     * and its own copies of the artifacts, and is ready once that set serves. The whole set is
     * taken from Redis as soon as it answers. Without such a file the node waits for Redis.
     */
    private void runLastKnown() throws InterruptedException {
        Path file = copies.resolve(SET_FILE);
        Map<String, String> last;
        try {
            if (!Files.isRegularFile(file)) {
                return;
            }
            last = DefinitionFile.JSON.readValue(
                    file.toFile(), new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {});
        } catch (IOException e) {
            LOG.error("The last fleet set this node ran ({}) cannot be read: {}", file, e.getMessage());
            return;
        }
        for (Map.Entry<String, String> e : last.entrySet()) {
            ReentrantLock lock = deployer.lockOf(e.getKey());
            lock.lockInterruptibly();
            try {
                applyLocked(e.getKey(), e.getValue());
            } catch (FleetUnavailable missing) { // an artifact this node never had a copy of
                failures.put(e.getKey(), missing.getMessage());
            } finally {
                lock.unlock();
            }
        }
        if (failures.isEmpty() && inStep.complete(null)) {
            LOG.warn(
                    "The fleet's Redis at {} is unreachable: this node runs the last set it ran ({} plugins, {}) until Redis answers",
                    store.where(),
                    last.size(),
                    file);
        }
    }

    /** Writes the entries this node runs to {@code fleet/set.json} when they changed: whole or not at all. */
    private void saveRunning() {
        if (!runningChanged) {
            return;
        }
        runningChanged = false;
        Path file = copies.resolve(SET_FILE);
        try {
            StateFiles.write(file, ".set-", ".part", DefinitionFile.JSON.writeValueAsBytes(new TreeMap<>(running)));
        } catch (IOException e) {
            runningChanged = true; // tried again after the next change
            LOG.warn("Cannot keep the fleet set this node runs in {}: {}", file, e.getMessage());
        }
    }

    /** This node's copy of an entry's artifact, fetched from the fleet and checked when it has none. */
    private Path copyOf(FleetEntry entry) throws PluginException {
        Path copy = entry.copyIn(copies);
        if (Files.isRegularFile(copy)) {
            return copy;
        }
        byte[] bytes = store.artifact(entry.sha256());
        if (bytes == null) {
            throw new PluginException("the fleet has no artifact " + entry.sha256() + " (it was removed since)");
        }
        if (!Sha.sha256(bytes).equals(entry.sha256())) {
            throw new PluginException("the fleet's artifact " + entry.sha256() + " does not match its hash");
        }
        return keep(entry, bytes);
    }

    /** Writes this node's copy of an artifact under its hash. */
    private Path keep(FleetEntry entry, byte[] bytes) throws PluginException {
        Path copy = entry.copyIn(copies);
        try {
            StateFiles.write(copy, ".incoming-", ".part", bytes);
            return copy;
        } catch (IOException e) {
            throw new PluginException("cannot keep a copy of the artifact in " + copies + ": " + e.getMessage());
        }
    }
}
