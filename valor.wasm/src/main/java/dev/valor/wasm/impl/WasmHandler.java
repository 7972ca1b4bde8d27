package dev.valor.wasm.impl;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.WasmModule;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginRouter;
import dev.valor.api.VluginProperties;
import dev.valor.api.binding.Binding;
import dev.valor.api.binding.Cardinality;
import dev.valor.api.binding.Linker;
import dev.valor.api.binding.Plug;
import dev.valor.api.binding.Sockets;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.api.plugin.PluginHandler;
import dev.valor.wasm.impl.abi.ModuleCheck;
import dev.valor.wasm.impl.abi.WasmRuntime;
import dev.valor.wasm.impl.reactor.ReactorPlug;
import dev.valor.wasm.impl.reactor.ReactorPlugin;
import dev.valor.sandbox.internal.Deadlines;
import dev.valor.sandbox.internal.outbound.Outbound;
import dev.valor.sandbox.internal.outbound.OutboundPolicy;
import dev.valor.wasm.impl.run.DirectoryCache;
import dev.valor.wasm.impl.run.SharedModules;
import dev.valor.wasm.impl.wagi.WagiPlugin;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code .wasm} plugins: validates a module against its definition (ABI, imports granted,
 * memory within the limit), compiles it once to JVM bytecode with Chicory's compiler (cached on
 * disk by content), and registers a Vlugin for it: pooled reactor instances, or a fresh WAGI
 * instance per request.
 */
@Component(property = PluginHandler.TYPE + "=wasm")
public class WasmHandler implements PluginHandler {

    private static final Logger LOG = LoggerFactory.getLogger(WasmHandler.class);
    private static final Logger PLUGINS = LoggerFactory.getLogger("valor.wasm");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How much longer the router waits than the module's own deadline, which answers first with a 504. */
    private static final long ROUTER_GRACE_MS = 1_000;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile VluginRouter router;
    @Reference
    private Linker linker;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private BundleContext context;
    private Deadlines deadlines;
    private SharedModules modules;
    private Set<String> wasiFunctions;
    private Path home;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        // A deep but bounded stack: runaway recursion ends in a trap, not a crash.
        this.deadlines = new Deadlines("wasm", 4L << 20, 5);
        String valorHome = context.getProperty("valor.home");
        this.home = valorHome == null || valorHome.isBlank() ? Paths.get("").toAbsolutePath() : Paths.get(valorHome);
        String state = context.getProperty("valor.state.dir");
        Path dir = state == null || state.isBlank() ? context.getDataFile("wasm-cache").toPath()
                : Paths.get(state, "wasm-cache");
        this.modules = new SharedModules(new DirectoryCache(dir));
        Set<String> names = new HashSet<>();
        try (WasiPreview1 wasi = WasiPreview1.builder().withOptions(WasiOptions.builder().build()).build()) {
            for (HostFunction f : wasi.toHostFunctions()) {
                names.add(f.name());
            }
        }
        this.wasiFunctions = Set.copyOf(names);
    }

    @Deactivate
    void deactivate() {
        deadlines.close();
    }

    @Override
    public Deployment deploy(PluginDefinition definition, Path artifact, Map<String, Object> serviceProperties)
            throws PluginException {
        WasmSettings settings = WasmSettings.parse(definition.settingsJson(), home);
        SharedModules.Lease lease;
        try {
            SharedModules.checkSize(Files.size(artifact)); // before reading it all
            lease = modules.lease(Files.readAllBytes(artifact));
        } catch (IOException e) {
            throw new PluginException("cannot read " + artifact + ": " + e.getMessage());
        }
        try {
            return start(definition, serviceProperties, settings, lease);
        } catch (Throwable e) {
            lease.close();
            throw e;
        }
    }

    private Deployment start(PluginDefinition definition, Map<String, Object> serviceProperties, WasmSettings settings,
            SharedModules.Lease lease) throws PluginException {
        WasmModule module = lease.module();
        WasmSettings.Abi abi = ModuleCheck.abi(module, settings);
        // The runtime checked them when it read the definition.
        List<Binding> plugs = Linker.plugs(serviceProperties);
        Map<Binding, Cardinality> socketDecl = Linker.sockets(serviceProperties);
        if (abi != WasmSettings.Abi.REACTOR && (!plugs.isEmpty() || !socketDecl.isEmpty())) {
            throw new PluginException("plugs and sockets need the reactor ABI; a WAGI module has neither");
        }
        ModuleCheck.imports(module, abi, wasiFunctions,
                socketDecl.keySet().stream().map(Binding::toString).collect(Collectors.toSet()));
        Map<Binding, Map<String, String>> plugFunctions = new LinkedHashMap<>();
        for (Binding b : plugs) {
            plugFunctions.put(b, ModuleCheck.plugFunctions(module, b.toString()));
        }
        ModuleCheck.Footprint footprint = ModuleCheck.memory(module, settings);

        long start = System.nanoTime();
        Function<Instance, Machine> machines = lease.machines();
        LOG.info("Compiled {} ({} ABI) in {} ms", definition.name(), abi.name().toLowerCase(java.util.Locale.ROOT),
                (System.nanoTime() - start) / 1_000_000);
        WasmRuntime runtime = new WasmRuntime(module, machines, footprint);

        Sockets sockets = socketDecl.isEmpty() ? null : linker.link(definition.name(), socketDecl);
        Vlugin vlugin;
        AutoCloseable closer = () -> { };
        List<ServiceRegistration<Plug>> plugRegistrations = new ArrayList<>();
        ServiceRegistration<Vlugin> registration;
        try {
            if (abi == WasmSettings.Abi.REACTOR) {
                ReactorPlugin reactor = new ReactorPlugin(definition.name(), runtime, settings, config(definition),
                        deadlines, new Outbound(definition.name(), PLUGINS, () -> router, http,
                                new OutboundPolicy(settings.allowedHosts()), (long) settings.memoryPages() * 65536), sockets);
                vlugin = sockets == null ? reactor : sockets.guard(reactor);
                closer = reactor;
                for (Map.Entry<Binding, Map<String, String>> e : plugFunctions.entrySet()) {
                    Hashtable<String, Object> plugProps = new Hashtable<>();
                    plugProps.put(Plug.BINDING, e.getKey().toString());
                    plugProps.put(VluginProperties.NAME, definition.name());
                    plugProps.put(VluginProperties.TYPE, "wasm");
                    plugProps.put(Constants.SERVICE_RANKING, serviceProperties.getOrDefault(Constants.SERVICE_RANKING, 0));
                    plugRegistrations.add(context.registerService(Plug.class,
                            new ReactorPlug(definition.name(), e.getKey().toString(), e.getValue(), reactor), plugProps));
                }
            } else {
                vlugin = new WagiPlugin(definition.name(), definition.prefix(), runtime, settings, deadlines);
            }
            Hashtable<String, Object> props = new Hashtable<>(serviceProperties);
            props.put(VluginProperties.TIMEOUT_MS, settings.timeoutMs() + ROUTER_GRACE_MS);
            props.put("valor.wasm.abi", abi.name().toLowerCase(java.util.Locale.ROOT));
            registration = context.registerService(Vlugin.class, vlugin, props);
        } catch (Throwable e) { // undone in reverse; the caller releases the module
            plugRegistrations.forEach(WasmHandler::unregister);
            closeQuietly(closer, definition);
            if (sockets != null) {
                sockets.close();
            }
            throw e;
        }
        AutoCloseable running = closer;
        return new Deployment() {
            @Override
            public String version() {
                return ""; // the runtime names it by its content
            }

            @Override
            public void close() {
                plugRegistrations.forEach(WasmHandler::unregister);
                unregister(registration);
                if (sockets != null) {
                    sockets.close();
                }
                closeQuietly(running, definition);
                lease.close();
            }
        };
    }

    private static void closeQuietly(AutoCloseable closer, PluginDefinition definition) {
        try {
            closer.close();
        } catch (Exception e) {
            LOG.debug("Closing {} failed", definition.name(), e);
        }
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // gone with the bundle
        }
    }

    /** The config as the module receives it: a JSON string's text, any other value's JSON. */
    private static String config(PluginDefinition definition) throws PluginException {
        String json = definition.configJson();
        if (json == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(json);
            return node.isTextual() ? node.textValue() : json;
        } catch (IOException e) {
            throw new PluginException("config is not valid JSON: " + e.getMessage());
        }
    }
}
