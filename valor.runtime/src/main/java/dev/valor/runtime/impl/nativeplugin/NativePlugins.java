package dev.valor.runtime.impl.nativeplugin;

import dev.valor.api.Vlugin;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.runtime.impl.definition.ConfigProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Runs native plugins, the OSGi way: installs and starts the bundle jar (once, however many
 * definitions use it), then gives its Vlugin component one factory configuration per definition,
 * so that Declarative Services creates one configured instance per plugin.
 */
public final class NativePlugins {

    /** Marks the configurations this class made, so stale ones can be found and removed. */
    static final String ORIGIN = ".valor.origin";

    private static final long SCR_WAIT_MS = 5_000;

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final ServiceComponentRuntime scr;

    public NativePlugins(BundleContext context, ConfigurationAdmin configAdmin, ServiceComponentRuntime scr) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.scr = scr;
    }

    /** What was installed: the bundle's location and version. */
    public record Installed(String location, String version) {
    }

    /**
     * Installs the plugin.
     *
     * @param origin tags its configuration, e.g. the plugins file it came from
     * @throws PluginException saying why, in words fit for a log line and the registry
     */
    public Installed install(PluginDefinition definition, Path jar, String origin)
            throws PluginException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new PluginException("no bundle jar at " + jar);
        }
        String location = jar.toUri().toString();
        Bundle bundle;
        try {
            bundle = context.installBundle(location);
        } catch (BundleException e) {
            throw new PluginException("cannot install " + jar + ": " + e.getMessage());
        }
        try {
            if (bundle.getState() != Bundle.ACTIVE) {
                bundle.start();
            }
        } catch (BundleException e) {
            throw new PluginException("cannot start bundle " + bundle.getSymbolicName() + " from " + jar + ": "
                    + e.getMessage());
        }
        ComponentDescriptionDTO component = vluginComponent(bundle, jar);
        String factoryPid = component.configurationPid[0];
        Hashtable<String, Object> props;
        try {
            props = ConfigProperties.of(definition);
        } catch (IllegalArgumentException e) {
            throw new PluginException(e.getMessage());
        }
        props.put(ORIGIN, origin);
        try {
            Configuration config = configAdmin.getFactoryConfiguration(factoryPid, definition.name(), "?");
            config.updateIfDifferent(props);
        } catch (IOException e) {
            throw new PluginException("cannot configure " + definition.name() + ": " + e.getMessage());
        }
        return new Installed(location, bundle.getVersion().toString());
    }

    /** Deletes the configurations of this origin whose plugin is not among these names any more. */
    public void removeStale(String origin, Set<String> keep) throws IOException {
        Configuration[] configs;
        try {
            configs = configAdmin.listConfigurations("(" + ORIGIN + "=" + escape(origin) + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (configs == null) {
            return;
        }
        for (Configuration config : configs) {
            Object name = config.getProperties() == null ? null : config.getProperties().get("valor.name");
            if (!keep.contains(name)) {
                config.delete();
            }
        }
    }

    private ComponentDescriptionDTO vluginComponent(Bundle bundle, Path jar)
            throws PluginException, InterruptedException {
        // SCR reads a bundle's components when it starts; give it a moment if it lags behind.
        long deadline = System.nanoTime() + SCR_WAIT_MS * 1_000_000;
        Collection<ComponentDescriptionDTO> all = scr.getComponentDescriptionDTOs(bundle);
        while (all.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            all = scr.getComponentDescriptionDTOs(bundle);
        }
        List<ComponentDescriptionDTO> vlugins = new ArrayList<>();
        for (ComponentDescriptionDTO d : all) {
            if (Arrays.asList(d.serviceInterfaces).contains(Vlugin.class.getName())) {
                vlugins.add(d);
            }
        }
        if (vlugins.isEmpty()) {
            throw new PluginException("bundle " + bundle.getSymbolicName() + " (" + jar
                    + ") has no Declarative Services component providing " + Vlugin.class.getName());
        }
        if (vlugins.size() > 1) {
            throw new PluginException("bundle " + bundle.getSymbolicName() + " has several Vlugin components ("
                    + vlugins.stream().map(d -> d.name).collect(Collectors.joining(", "))
                    + "); a plugin definition can configure only one");
        }
        return vlugins.get(0);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)");
    }
}
