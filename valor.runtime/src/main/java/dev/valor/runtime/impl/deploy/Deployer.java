package dev.valor.runtime.impl.deploy;

import dev.valor.api.Vlugin;
import dev.valor.api.VluginProperties;
import dev.valor.api.metrics.Meters;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.api.plugin.PluginHandler;
import dev.valor.api.plugin.PluginType;
import dev.valor.api.plugin.RequestCounters;
import dev.valor.runtime.impl.binding.Composition;
import dev.valor.runtime.impl.registry.ActivationFailures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every managed plugin, whatever its kind and wherever it comes from, and changes it
 * atomically: a new version (a new artifact or a new definition) is started beside the serving
 * one under a higher service ranking, so the router sends new requests to it the moment it is
 * ready; the old version is closed once the requests inside it are done. A version that fails
 * to start is closed and the serving one stays, with the error recorded; callers log failures
 * with what they know of the source (a file and entry, a request).
 *
 * <p>Deploys of different names run at once: each name has its own lock, held for the whole
 * deploy or undeploy; the shared state (names, prefixes, the published snapshots) is changed
 * under this object's monitor, never held across a start. Waits are on completions (a service
 * routed, a version drained), not on polls.
 */
@Component(service = Deployer.class)
public class Deployer {

    /** Service property telling the versions of one plugin apart; also its service ranking. */
    public static final String GENERATION = "valor.generation";

    private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);
    private static final long READY_TIMEOUT_MS = 10_000;
    private static final long DRAIN_TIMEOUT_MS = 60_000;

    /** One running version. */
    private record Version(
            PluginDefinition definition,
            ArtifactStore.Stored content,
            PluginHandler.Deployment deployment,
            ServiceReference<Vlugin> service,
            long generation) {

        String sha256() {
            return content.sha256();
        }

        /** The handler's version of the artifact, or its content's: a module or script has no other. */
        String version() {
            String v = deployment.version();
            return v == null || v.isEmpty() ? "sha256:" + sha256().substring(0, 12) : v;
        }
    }

    private static final class Plugin {
        final Origin origin;
        /** What defines it (a plugins file, a deploy-folder file, ...): only the same may change it. */
        final String source;

        PluginDefinition definition;
        /** The artifact of the serving version, or the one last tried. */
        String artifact;

        Version current;
        /** The definition of a version being started: its prefix is claimed until it serves or fails. */
        PluginDefinition starting;

        String error = "";

        Plugin(Origin origin, String source, PluginDefinition definition) {
            this.origin = origin;
            this.source = source;
            this.definition = definition;
            this.artifact = source;
        }

        Managed snapshot() {
            Version v = current;
            return new Managed(
                    v != null ? v.definition() : definition,
                    origin,
                    source,
                    artifact,
                    v != null ? v.version() : "",
                    v != null,
                    v != null ? serviceId(v.service()) : -1,
                    error,
                    v != null ? v.content().path() : null,
                    v != null ? v.sha256() : "");
        }
    }

    private final Map<String, Plugin> plugins = new HashMap<>(); // guarded by this
    /** One per name ever deployed: a deploy or undeploy of the name holds it throughout. */
    private final Map<String, ReentrantLock> nameLocks = new ConcurrentHashMap<>();

    private boolean closed; // guarded by this
    private volatile Map<String, Managed> snapshots = Map.of(); // published after each change, read without the lock
    private final Map<String, PluginHandler> handlers = new ConcurrentHashMap<>();
    private long generation; // guarded by this

    @Reference
    private ServiceComponentRuntime scr;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile RequestCounters counters;

    /** While metrics are on. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Meters meters;

    private BundleContext context;
    private ArtifactStore store;
    private ExecutorService retirer;
    private StartDeadline starts;
    /** Old versions waiting for their requests to finish; closed at once if the deployer stops. */
    private final Set<Version> retiring = ConcurrentHashMap.newKeySet();

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        this.store = new ArtifactStore(context.getDataFile("artifacts").toPath());
        this.starts = new StartDeadline(context, "valor-plugin-start");
        this.retirer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "valor-retire");
            t.setDaemon(true);
            return t;
        });
    }

    @Deactivate
    synchronized void deactivate() {
        closed = true; // a deploy still starting closes its version when it gets here
        retirer.shutdownNow();
        starts.close();
        for (Version old : retiring) {
            close(old);
        }
        retiring.clear();
        for (Plugin plugin : plugins.values()) {
            if (plugin.current != null) {
                close(plugin.current);
            }
        }
        plugins.clear();
        publish();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addHandler(PluginHandler handler, Map<String, Object> props) {
        Object type = props.get(PluginHandler.TYPE);
        if (type instanceof String) {
            handlers.put((String) type, handler);
        }
    }

    void removeHandler(PluginHandler handler, Map<String, Object> props) {
        handlers.values().remove(handler);
    }

    /** Snapshots of all managed plugins; never waits for a deploy in progress. */
    public List<Managed> managed() {
        return List.copyOf(snapshots.values());
    }

    public Optional<Managed> managed(String name) {
        return Optional.ofNullable(snapshots.get(name));
    }

    /** Publishes one plugin's change: the others' snapshots stay as they are (a thousand plugins deploy in O(n)). */
    private void publish(String name) {
        Map<String, Managed> all = new HashMap<>(snapshots);
        Plugin p = plugins.get(name);
        if (p == null) {
            all.remove(name);
        } else {
            all.put(name, p.snapshot());
        }
        snapshots = Collections.unmodifiableMap(all);
    }

    private void publish() {
        Map<String, Managed> all = new HashMap<>();
        for (Map.Entry<String, Plugin> e : plugins.entrySet()) {
            all.put(e.getKey(), e.getValue().snapshot());
        }
        snapshots = Map.copyOf(all);
    }

    /**
     * Deploys a plugin, or a new version of it: same name and origin swap atomically; a name or
     * prefix held by another plugin is refused ({@link PluginConflict}). The same definition and
     * artifact content again is a no-op unless {@code force}. On failure the serving version (if
     * any) stays, the error is recorded and thrown. Waits only for a deploy or undeploy of the same name.
     */
    public Managed deploy(PluginDefinition definition, Path artifact, Origin origin, String source, boolean force)
            throws PluginException, InterruptedException {
        ReentrantLock lock = lockOf(definition.name());
        lock.lockInterruptibly();
        try {
            return deployAlone(definition, artifact, origin, source, force);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The lock {@link #deploy} and {@link #undeploy} hold for a name: hold it to make several steps
     * on one name atomic (a check, a deploy and a record of it). Reentrant.
     */
    public ReentrantLock lockOf(String name) {
        return nameLocks.computeIfAbsent(name, n -> new ReentrantLock());
    }

    /** {@link #deploy} with the name's lock held. */
    private Managed deployAlone(PluginDefinition definition, Path artifact, Origin origin, String source, boolean force)
            throws PluginException, InterruptedException {
        String name = definition.name();
        Plugin plugin;
        PluginHandler handler;
        Composition composition;
        Version current;
        synchronized (this) {
            plugin = plugins.get(name);
            if (plugin != null && (plugin.origin != origin || !plugin.source.equals(source))) {
                throw new PluginConflict("name '" + name + "' is already used by " + plugin.source);
            }
            for (Plugin other : plugins.values()) {
                if (other != plugin && claims(other, definition.prefix())) {
                    String reason = "prefix '" + definition.prefix() + "' is already claimed by plugin '"
                            + other.definition.name() + "' (" + other.source + ")";
                    fail(plugin, definition, origin, source, reason);
                    throw new PluginConflict(reason);
                }
            }
            handler = handlers.get(definition.type().id());
            if (handler == null) {
                throw fail(
                        plugin,
                        definition,
                        origin,
                        source,
                        "plugins of type " + definition.type().id() + " are not supported (no handler installed)");
            }
            try {
                composition = Composition.of(definition);
                // A cycle through this plugin needs it both to plug into something and to have a socket.
                if (!composition.plugs().isEmpty() && !composition.sockets().isEmpty()) {
                    Composition.refuseCycles(name, composition, compositions(name));
                }
            } catch (PluginException e) {
                throw fail(plugin, definition, origin, source, e.getMessage());
            }
            if (plugin == null) {
                plugin = new Plugin(origin, source, definition);
                plugins.put(name, plugin);
            }
            if (plugin.current == null) {
                plugin.artifact = artifact.toString();
            }
            plugin.starting = definition;
            current = plugin.current;
            publish(name);
        }
        Version next;
        try {
            ArtifactStore.Stored stored = store.store(artifact);
            boolean kept = false; // by the new version, which releases it when it closes
            try {
                if (!force
                        && current != null
                        && current.definition().equals(definition)
                        && current.sha256().equals(stored.sha256())) {
                    synchronized (this) {
                        plugin.starting = null;
                        plugin.error = ""; // the same again: nothing to swap
                        publish(name);
                        return plugin.snapshot();
                    }
                }
                next = start(handler, definition, composition, stored);
                kept = true;
            } finally {
                if (!kept) {
                    store.release(stored);
                }
            }
        } catch (PluginException e) {
            synchronized (this) {
                plugin.starting = null;
                throw fail(plugin, definition, origin, source, e.getMessage());
            }
        } catch (InterruptedException | RuntimeException | Error e) {
            synchronized (this) {
                plugin.starting = null;
                publish(name);
            }
            throw e;
        }
        Version previous;
        Managed snapshot;
        synchronized (this) {
            plugin.starting = null;
            if (closed) {
                close(next);
                throw new PluginException("the runtime is stopping");
            }
            previous = plugin.current;
            plugin.current = next;
            plugin.definition = definition;
            plugin.artifact = artifact.toString();
            plugin.error = "";
            publish(name);
            snapshot = plugin.snapshot();
        }
        LOG.info(
                "Plugin {} {} at /{} ({} {}, from {})",
                name,
                previous == null ? "deployed" : "swapped",
                definition.prefix(),
                definition.type().id(),
                next.version(),
                source);
        Meters m = meters;
        if (m != null) {
            m.plugin(name, definition.type().id()).deployed(previous != null);
        }
        if (previous != null) {
            retireLater(previous);
        }
        return snapshot;
    }

    /** Whether a plugin serves at the prefix, or is starting a version there. */
    private static boolean claims(Plugin p, String prefix) {
        return p.current != null && prefixOf(p).equals(prefix)
                || p.starting != null && p.starting.prefix().equals(prefix);
    }

    /** The route an artifact declares for itself, as its type's handler reads it; empty if none. */
    public Map<String, String> declaredRoute(PluginType type, Path artifact) {
        PluginHandler handler = handlers.get(type.id());
        return handler == null ? Map.of() : handler.declaredRoute(artifact);
    }

    /** Records a failure that happened before a deploy could start (a broken definition, say). */
    public synchronized void failed(
            PluginDefinition definition, String name, Origin origin, String source, String reason) {
        Plugin plugin = plugins.get(name);
        if (plugin != null && (plugin.origin != origin || !plugin.source.equals(source))
                || plugin == null && definition == null) {
            return; // not its plugin to mark, or nothing to show it under
        }
        fail(plugin, definition, origin, source, reason);
    }

    /**
     * Stops a plugin: its prefix answers 404 at once, requests inside it finish. Waits for a deploy
     * of the same name to end first.
     */
    public boolean undeploy(String name) {
        ReentrantLock lock = lockOf(name);
        lock.lock();
        try {
            Plugin plugin;
            synchronized (this) {
                plugin = plugins.remove(name);
                if (plugin == null) {
                    return false;
                }
                publish(name);
            }
            if (plugin.current != null) {
                close(plugin.current);
            }
            LOG.info("Plugin {} undeployed ({})", name, plugin.source);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Names of the plugins of one origin (and source, if given). */
    public synchronized List<String> names(Origin origin, String source) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Plugin> e : plugins.entrySet()) {
            if (e.getValue().origin == origin
                    && (source == null || e.getValue().source.equals(source))) {
                names.add(e.getKey());
            }
        }
        return names;
    }

    private PluginException fail(
            Plugin plugin, PluginDefinition definition, Origin origin, String source, String reason) {
        if (plugin == null && definition != null && !plugins.containsKey(definition.name())) {
            plugin = new Plugin(origin, source, definition);
            plugins.put(definition.name(), plugin);
        }
        if (plugin != null) {
            plugin.error = reason;
            if (plugin.current == null && definition != null) {
                plugin.definition = definition;
            }
            publish(plugin.definition.name());
            Meters m = meters;
            if (m != null) {
                m.plugin(plugin.definition.name(), plugin.definition.type().id())
                        .deployFailed();
            }
        }
        return new PluginException(reason);
    }

    /** The declared plugs and sockets of the plugins that serve or are starting, but one. */
    private Map<String, Composition> compositions(String except) {
        Map<String, Composition> all = new HashMap<>();
        for (Map.Entry<String, Plugin> e : plugins.entrySet()) {
            Plugin p = e.getValue();
            PluginDefinition d = p.starting != null ? p.starting : p.current != null ? p.current.definition() : null;
            if (!e.getKey().equals(except) && d != null) {
                try {
                    all.put(e.getKey(), Composition.of(d));
                } catch (PluginException ignored) {
                    // it could not have been deployed with an invalid one
                }
            }
        }
        return all;
    }

    private Version start(
            PluginHandler handler, PluginDefinition definition, Composition composition, ArtifactStore.Stored artifact)
            throws PluginException, InterruptedException {
        long gen;
        synchronized (this) {
            gen = ++generation;
        }
        Map<String, Object> props = new HashMap<>();
        props.put(VluginProperties.NAME, definition.name());
        props.put(VluginProperties.PREFIX, definition.prefix());
        props.put(VluginProperties.TYPE, definition.type().id());
        props.put(GENERATION, gen);
        props.put(Constants.SERVICE_RANKING, (int) Math.min(gen, Integer.MAX_VALUE));
        composition.addTo(props);

        String filter = "(&(" + Constants.OBJECTCLASS + "=" + Vlugin.class.getName() + ")(" + VluginProperties.NAME
                + "=" + escape(definition.name()) + ")(" + GENERATION + "=" + gen + "))";
        CountDownLatch registered = new CountDownLatch(1);
        ServiceListener listener = event -> {
            if (event.getType() == ServiceEvent.REGISTERED) {
                registered.countDown();
            }
        };
        try {
            context.addServiceListener(listener, filter);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        PluginHandler.Deployment deployment;
        try {
            deployment = handler.deploy(definition, artifact.path(), props);
        } catch (RuntimeException | Error e) {
            context.removeServiceListener(listener);
            // A handler's bug, or a kind's engine the JVM cannot start (an InternalError from
            // Truffle), must not take the caller (a start-up, a folder scan) down with it.
            LOG.error("The {} handler failed on {}", definition.type().id(), definition.name(), e);
            throw new PluginException("the " + definition.type().id() + " handler failed: " + e);
        } catch (PluginException | InterruptedException e) {
            context.removeServiceListener(listener);
            throw e;
        }
        // From here on the new version runs: whatever fails or interrupts, it is closed again.
        ServiceReference<Vlugin> ref = null;
        boolean taken = false;
        boolean hung = false;
        boolean ready = false;
        try {
            if (!registered.await(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS) && find(filter) == null) {
                throw new PluginException("its Vlugin service did not appear within " + READY_TIMEOUT_MS + " ms");
            }
            ref = find(filter);
            ServiceReference<Vlugin> found = ref;
            // Holding the service activates a DS component now, and keeps it active for this version's life.
            Vlugin service;
            try {
                service = found == null
                        ? null
                        : starts.call(() -> context.getService(found), late -> {
                            if (late != null) {
                                context.ungetService(found);
                            }
                        });
            } catch (TimeoutException e) {
                hung = true;
                throw new PluginException("its component did not activate within " + starts.timeoutMs() + " ms");
            } catch (ExecutionException e) {
                throw new PluginException("its component failed to activate: " + e.getCause());
            }
            taken = service != null;
            if (service == null) {
                String reason = ref == null ? null : ActivationFailures.reason(scr, ref);
                throw new PluginException(reason != null ? reason : "its Vlugin service went away while starting");
            }
            awaitRouted(serviceId(ref));
            ready = true;
            return new Version(definition, artifact, deployment, ref, gen);
        } finally {
            context.removeServiceListener(listener);
            if (!ready && hung) {
                starts.later(deployment::close); // closing waits for the activation to end, if it ever does
            } else if (!ready) {
                if (taken) {
                    context.ungetService(ref);
                }
                deployment.close();
            }
        }
    }

    /**
     * Waits until the router has the service in its table: it binds services on its own schedule,
     * and the old version must not go before the new one is routable. Without a router, nothing to wait for.
     */
    private void awaitRouted(long serviceId) throws PluginException, InterruptedException {
        RequestCounters c = counters;
        if (c == null) {
            return;
        }
        try {
            c.routed(serviceId).toCompletableFuture().get(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new PluginException("its Vlugin service went away before it was routed");
        } catch (TimeoutException e) {
            throw new PluginException("the router did not route it within " + READY_TIMEOUT_MS + " ms");
        }
    }

    @SuppressWarnings("unchecked")
    private ServiceReference<Vlugin> find(String filter) {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences((String) null, filter);
            return refs == null ? null : (ServiceReference<Vlugin>) refs[0];
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes the old version once the router has no request inside it (bounded wait), on the retirer. */
    private void retireLater(Version old) {
        retiring.add(old);
        RequestCounters c = counters;
        CompletableFuture<Void> drained = c == null
                ? CompletableFuture.completedFuture(null)
                : c.idle(serviceId(old.service())).toCompletableFuture();
        drained.orTimeout(DRAIN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .whenCompleteAsync(
                        (done, late) -> {
                            if (retiring.remove(old)) {
                                close(old);
                            }
                        },
                        retirer);
    }

    private void close(Version version) {
        try {
            context.ungetService(version.service());
        } catch (IllegalStateException e) {
            // our bundle is stopping: nothing to give back
        }
        try {
            version.deployment().close();
        } catch (RuntimeException e) {
            LOG.warn(
                    "Closing version {} of plugin {} failed",
                    version.generation(),
                    version.definition().name(),
                    e);
        }
        store.release(version.content());
    }

    private static String prefixOf(Plugin p) {
        return p.current != null ? p.current.definition().prefix() : p.definition.prefix();
    }

    private static long serviceId(ServiceReference<?> ref) {
        return (Long) ref.getProperty(Constants.SERVICE_ID);
    }

    static String escape(String value) {
        StringBuilder s = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '*' || c == '(' || c == ')') {
                s.append('\\');
            }
            s.append(c);
        }
        return s.toString();
    }
}
