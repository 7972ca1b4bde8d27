package dev.valor.runtime.impl.nativeplugin;

import dev.valor.api.Vlugin;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.api.plugin.PluginHandler;
import dev.valor.runtime.impl.definition.ConfigProperties;
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
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Component;
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

    @Reference
    private ConfigurationAdmin configAdmin;
    @Reference
    private ServiceComponentRuntime scr;

    private BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
    }

    /** Plugins' bundles go with the handler (the deployer closes their versions first when it stops). */
    @Deactivate
    synchronized void deactivate() {
        for (Shared shared : bundles.values()) {
            uninstall(shared.bundle);
        }
        bundles.clear();
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
                config = configAdmin.getFactoryConfiguration(component.configurationPid[0],
                        definition.name() + "." + serviceProperties.get("valor.generation"), "?");
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

    private synchronized Bundle acquire(String hash, Path jar) throws PluginException {
        Shared shared = bundles.get(hash);
        if (shared == null) {
            shared = new Shared(install(hash, jar));
            bundles.put(hash, shared);
        }
        shared.users++;
        return shared.bundle;
    }

    private synchronized void release(String hash) {
        Shared shared = bundles.get(hash);
        if (shared != null && --shared.users == 0) {
            bundles.remove(hash);
            uninstall(shared.bundle);
        }
    }

    private Bundle install(String hash, Path jar) throws PluginException {
        BundleJar.read(jar); // refuses what is not a bundle, or too large to read, before the framework reads it
        Bundle bundle;
        try (InputStream in = Files.newInputStream(jar)) {
            bundle = context.installBundle(LOCATION + hash, in);
        } catch (BundleException | IOException e) {
            throw new PluginException("not a valid bundle: " + e.getMessage());
        }
        try {
            bundle.start();
        } catch (BundleException e) {
            uninstall(bundle);
            throw new PluginException("bundle " + bundle.getSymbolicName() + " " + bundle.getVersion()
                    + " cannot start: " + e.getMessage());
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
