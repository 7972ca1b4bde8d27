package dev.valor.runtime.impl.nativeplugin;

import dev.valor.api.Vlugin;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.api.plugin.PluginHandler;
import dev.valor.runtime.impl.definition.ConfigProperties;
import dev.valor.runtime.impl.deploy.StartDeadline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
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

    /** A bundle shared by the versions using the same jar content. */
    private static final class Shared {
        final Bundle bundle;
        int users;

        Shared(Bundle bundle) {
            this.bundle = bundle;
        }
    }

    private final Map<String, Shared> bundles = new HashMap<>(); // guarded by this
    private final AtomicLong installs = new AtomicLong();

    @Reference
    private ConfigurationAdmin configAdmin;

    @Reference
    private ServiceComponentRuntime scr;

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
        return DeclaredRoute.of(artifact);
    }

    @Override
    public Deployment deploy(PluginDefinition definition, Path artifact, Map<String, Object> serviceProperties)
            throws PluginException, InterruptedException {
        String hash = artifact.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Bundle bundle = acquire(hash, artifact);
        boolean ok = false;
        try {
            ComponentDescriptionDTO component = vluginComponent(bundle);
            Hashtable<String, Object> props;
            try {
                props = ConfigProperties.of(definition);
            } catch (IllegalArgumentException e) {
                throw new PluginException(e.getMessage());
            }
            props.putAll(serviceProperties);
            props.put(ORIGIN, ORIGIN_VALUE);
            Configuration config;
            try {
                config = configAdmin.getFactoryConfiguration(
                        component.configurationPid[0],
                        definition.name() + "." + serviceProperties.get("valor.generation"),
                        "?");
                config.update(props);
            } catch (IOException e) {
                throw new PluginException("cannot configure " + definition.name() + ": " + e.getMessage());
            }
            ok = true;
            String version = bundle.getVersion().toString();
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
                    try {
                        config.delete();
                    } catch (IOException | IllegalStateException e) {
                        LOG.debug("Configuration of {} already gone", definition.name());
                    }
                }
            };
        } finally {
            if (!ok) {
                release(hash);
            }
        }
    }

    private synchronized Bundle acquire(String hash, Path jar) throws PluginException, InterruptedException {
        Shared shared = bundles.get(hash);
        if (shared == null) {
            shared = new Shared(install(hash, jar));
            bundles.put(hash, shared);
        }
        shared.users++;
        return shared.bundle;
    }

    private void release(String hash) {
        Bundle last = null;
        synchronized (this) {
            Shared shared = bundles.get(hash);
            if (shared != null && --shared.users == 0) {
                bundles.remove(hash);
                last = shared.bundle;
            }
        }
        // Outside the lock: stopping a bundle waits for its components, which may take SCR's lock
        // timeout (5 s) for one whose activation hangs; other plugins' deploys need not wait with it.
        if (last != null) {
            uninstall(last);
        }
    }

    private Bundle install(String hash, Path jar) throws PluginException, InterruptedException {
        BundleJar.read(jar); // refuses what is not a bundle, or too large to read, before the framework reads it
        Bundle bundle;
        try (InputStream in = Files.newInputStream(jar)) {
            // One location per install: the same content again may install while the last copy is still going.
            bundle = context.installBundle(LOCATION + hash + ":" + installs.incrementAndGet(), in);
        } catch (BundleException | IOException e) {
            throw new PluginException("not a valid bundle: " + e.getMessage());
        }
        String named = "bundle " + bundle.getSymbolicName() + " " + bundle.getVersion();
        try {
            starts.call(
                    () -> {
                        bundle.start();
                        return bundle;
                    },
                    started -> {});
        } catch (TimeoutException | InterruptedException e) {
            starts.later(() -> uninstall(bundle)); // waits for the stuck start; the bundle does nothing meanwhile
            if (e instanceof InterruptedException) {
                throw (InterruptedException) e;
            }
            throw new PluginException(named + " did not start within " + starts.timeoutMs()
                    + " ms (its activator did not return); it is uninstalled once it does");
        } catch (ExecutionException e) {
            uninstall(bundle);
            throw new PluginException(named + " cannot start: " + e.getCause().getMessage());
        }
        return bundle;
    }

    private void uninstall(Bundle bundle) {
        try {
            bundle.uninstall();
        } catch (BundleException | IllegalStateException e) {
            LOG.debug("Bundle {} already gone", bundle.getLocation());
        }
    }

    private ComponentDescriptionDTO vluginComponent(Bundle bundle) throws PluginException, InterruptedException {
        // SCR reads a bundle's components as it starts; give it a moment if it lags behind.
        long deadline = System.nanoTime() + SCR_WAIT_MS * 1_000_000;
        Collection<ComponentDescriptionDTO> all = scr.getComponentDescriptionDTOs(bundle);
        while (all.isEmpty() && bundle.getHeaders().get("Service-Component") != null && System.nanoTime() < deadline) {
            Thread.sleep(5);
            all = scr.getComponentDescriptionDTOs(bundle);
        }
        List<ComponentDescriptionDTO> vlugins = new ArrayList<>();
        for (ComponentDescriptionDTO d : all) {
            if (Arrays.asList(d.serviceInterfaces).contains(Vlugin.class.getName())) {
                vlugins.add(d);
            }
        }
        if (vlugins.isEmpty()) {
            throw new PluginException("bundle " + bundle.getSymbolicName()
                    + " has no Declarative Services component providing " + Vlugin.class.getName());
        }
        if (vlugins.size() > 1) {
            throw new PluginException("bundle " + bundle.getSymbolicName() + " has several Vlugin components ("
                    + vlugins.stream().map(d -> d.name).collect(Collectors.joining(", "))
                    + "); one plugin runs one component");
        }
        return vlugins.get(0);
    }
}
