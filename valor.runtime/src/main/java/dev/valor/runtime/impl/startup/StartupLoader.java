package dev.valor.runtime.impl.startup;

import dev.valor.api.plugin.Lifecycle;
import dev.valor.runtime.impl.deployfolder.DeployFolder;
import dev.valor.runtime.impl.fleet.Fleet;
import dev.valor.runtime.impl.pluginsfile.PluginsFile;
import dev.valor.runtime.impl.registered.RegisteredPlugins;
import java.util.Hashtable;
import java.util.concurrent.CountDownLatch;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the plugin set up at start-up, in order: the plugins file, the plugins registered
 * earlier, the fleet's set (when in a fleet), the deploy folder. Then announces that start-up loading is over with the {@link Lifecycle}
 * marker service, which makes {@code /_health/ready} 200 and which the launcher waits for before it
 * says it serves.
 */
@Component(immediate = true)
public class StartupLoader {

    /** Framework property: "true" enables the /_plugins registry endpoint. */
    public static final String REGISTRY_ENDPOINT = "valor.registry.endpoint";

    private static final Logger LOG = LoggerFactory.getLogger(StartupLoader.class);

    @Reference
    private PluginsFile pluginsFile;

    @Reference
    private RegisteredPlugins registered;

    @Reference
    private DeployFolder deployFolder;

    @Reference
    private Fleet fleet;

    private Thread loader;
    private volatile ServiceRegistration<?> marker;

    @Activate
    void activate(BundleContext context, ComponentContext component) {
        if (Boolean.parseBoolean(context.getProperty(REGISTRY_ENDPOINT))) {
            component.enableComponent("dev.valor.runtime.impl.endpoint.RegistryEndpoint");
        }
        // Installing bundles from inside an activation would re-enter SCR: do it on our own thread,
        // once the framework has started every bundle, so every kind's handler is there.
        loader = new Thread(
                () -> {
                    try {
                        awaitFrameworkStarted(context);
                        load(context);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "valor-startup");
        loader.setDaemon(true);
        loader.start();
    }

    private static void awaitFrameworkStarted(BundleContext context) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        FrameworkListener listener = event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                started.countDown();
            }
        };
        context.addFrameworkListener(listener);
        try {
            if (context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getState() != Bundle.ACTIVE) {
                started.await();
            }
        } finally {
            context.removeFrameworkListener(listener);
        }
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

    private void load(BundleContext context) {
        try {
            pluginsFile.loadAll();
            registered.loadAll();
            fleet.followAndAwaitInStep(); // a node in a fleet is ready only once it runs the fleet's whole set
            deployFolder.deployAll();
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(Lifecycle.STARTUP, Lifecycle.COMPLETE);
            marker = context.registerService(Object.class, new Object(), props);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Start-up loading failed", e);
        }
    }
}
