package dev.valor.runtime.impl.nativeplugin;

import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.api.plugin.PluginHandler;
import dev.valor.runtime.impl.definition.ConfigProperties;
import dev.valor.runtime.impl.deploy.StartDeadline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs native plugins the OSGi way: the bundle jar is installed once per content (however many
 * plugins or versions use it) and its Vlugin component gets one factory configuration per
 * version, so Declarative Services creates one configured instance per version.
 */
@Component(property = PluginHandler.TYPE + "=native")
public class NativeHandler implements PluginHandler {

    private static final Logger LOG = LoggerFactory.getLogger(NativeHandler.class);
    /** Marks the configurations made here, so leftovers can be found. */
    private static final String ORIGIN = ".valor.origin";

    private static final String ORIGIN_VALUE = "native-handler";
    private static final String LOCATION = "valor:native:";
    private static final long SCR_WAIT_MS = 5_000;

    /** A bundle shared by the versions using the same jar content; started by its first version. */
    private static final class Shared {
        final Bundle bundle;
        int users; // guarded by the handler
        boolean started; // guarded by this
        /** Its start did not return: uninstalling waits for it, so it is done on the deadline's thread. */
        volatile boolean hung;

        Shared(Bundle bundle) {
            this.bundle = bundle;
        }
    }

    private final Map<String, Shared> bundles = new HashMap<>(); // guarded by this
    private final AtomicLong installs = new AtomicLong();

    @Reference
    private ConfigurationAdmin configAdmin;

    private BundleContext context;

    private StartDeadline starts;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        this.starts = new StartDeadline(context, "valor-bundle-start");
    }

    /** Plugins' bundles go with the handler (the deployer closes their versions first when it stops). */
    @Deactivate
    synchronized void deactivate() {
        for (Shared shared : bundles.values()) {
            uninstall(shared.bundle);
        }
        bundles.clear();
        starts.close();
    }

    @Override
    public Map<String, String> declaredRoute(Path artifact) {
        try {
            return VluginComponent.of(BundleJar.read(artifact)).route();
        } catch (PluginException e) {
            return Map.of(); // the deploy says what is wrong with the jar
        }
    }

    /**
     * The version's factory configuration is made, bound to its bundle, before the bundle starts:
     * SCR then never runs the component unconfigured, and no other bundle with a component of the
     * same name (another version of the jar) runs an instance of it.
     */
    @Override
    public Deployment deploy(PluginDefinition definition, Path artifact, Map<String, Object> serviceProperties)
            throws PluginException, InterruptedException {
        String hash = artifact.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        // Refuses what is not a plugin bundle, or too large to read, before the framework reads it.
        VluginComponent component = VluginComponent.of(BundleJar.read(artifact));
        Hashtable<String, Object> props;
        try {
            props = ConfigProperties.of(definition);
        } catch (IllegalArgumentException e) {
            throw new PluginException(e.getMessage());
        }
        props.putAll(serviceProperties);
        props.put(ORIGIN, ORIGIN_VALUE);
        Shared shared = acquire(hash, artifact);
        Configuration config = null;
        boolean ok = false;
        try {
            try {
                config = configAdmin.getFactoryConfiguration(
                        component.configurationPid(),
                        definition.name() + "." + serviceProperties.get("valor.generation"),
                        shared.bundle.getLocation());
                config.update(props);
            } catch (IOException e) {
                throw new PluginException("cannot configure " + definition.name() + ": " + e.getMessage());
            }
            start(shared);
            ok = true;
        } finally {
            if (!ok) {
                release(hash);
                delete(config, definition);
            }
        }
        String version = shared.bundle.getVersion().toString();
        Configuration made = config;
        return new Deployment() {
            @Override
            public String version() {
                return version;
            }

            @Override
            public void close() {
                // The last user uninstalls the bundle first: deleting the configuration of a
                // component whose bundle is going would reach SCR after the bundle is gone.
                release(hash);
                delete(made, definition);
            }
        };
    }

    private static void delete(Configuration config, PluginDefinition definition) {
        if (config == null) {
            return;
        }
        try {
            config.delete();
        } catch (IOException | IllegalStateException e) {
            LOG.debug("Configuration of {} already gone", definition.name());
        }
    }

    /** The bundle of this content, installed (not started) if no version uses it yet. */
    private synchronized Shared acquire(String hash, Path jar) throws PluginException {
        Shared shared = bundles.get(hash);
        if (shared == null) {
            shared = new Shared(install(hash, jar));
            bundles.put(hash, shared);
        }
        shared.users++;
        return shared;
    }

    private void release(String hash) {
        Shared last = null;
        synchronized (this) {
            Shared shared = bundles.get(hash);
            if (shared != null && --shared.users == 0) {
                bundles.remove(hash);
                last = shared;
            }
        }
        // Outside the lock: stopping a bundle waits for its components, which may take SCR's lock
        // timeout (5 s) for one whose activation hangs; other plugins' deploys need not wait with it.
        if (last != null) {
            Bundle bundle = last.bundle;
            if (last.hung) {
                starts.later(() -> uninstall(bundle)); // waits for the stuck start; the bundle does nothing meanwhile
            } else {
                uninstall(bundle);
            }
        }
    }

    private Bundle install(String hash, Path jar) throws PluginException {
        try (InputStream in = Files.newInputStream(jar)) {
            // One location per install: the same content again may install while the last copy is still going.
            return context.installBundle(LOCATION + hash + ":" + installs.incrementAndGet(), in);
        } catch (BundleException | IOException e) {
            throw new PluginException("not a valid bundle: " + e.getMessage());
        }
    }

    /** Starts the bundle once, for its first version; a start that does not return is failed at its deadline. */
    private void start(Shared shared) throws PluginException, InterruptedException {
        Bundle bundle = shared.bundle;
        String named = "bundle " + bundle.getSymbolicName() + " " + bundle.getVersion();
        synchronized (shared) {
            if (shared.started) {
                return;
            }
            if (shared.hung) {
                throw new PluginException(named + " did not start within " + starts.timeoutMs() + " ms");
            }
            try {
                starts.call(
                        () -> {
                            bundle.start();
                            return bundle;
                        },
                        started -> {});
            } catch (TimeoutException | InterruptedException e) {
                shared.hung = true;
                if (e instanceof InterruptedException) {
                    throw (InterruptedException) e;
                }
                throw new PluginException(named + " did not start within " + starts.timeoutMs()
                        + " ms (its activator did not return); it is uninstalled once it does");
            } catch (ExecutionException e) {
                throw new PluginException(
                        named + " cannot start: " + e.getCause().getMessage());
            }
            shared.started = true;
        }
    }

    private void uninstall(Bundle bundle) {
        try {
            bundle.uninstall();
        } catch (BundleException | IllegalStateException e) {
            LOG.debug("Bundle {} already gone", bundle.getLocation());
        }
    }
}
