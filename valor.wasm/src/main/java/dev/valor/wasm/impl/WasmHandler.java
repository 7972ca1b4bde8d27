package dev.valor.wasm.impl;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.WasmModule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginRouter;
import dev.valor.api.binding.Binding;
import dev.valor.api.binding.Cardinality;
import dev.valor.api.binding.Linker;
import dev.valor.api.binding.Sockets;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.api.plugin.PluginHandler;
import dev.valor.sandbox.internal.Deadlines;
import dev.valor.sandbox.internal.deploy.SandboxDeployment;
import dev.valor.sandbox.internal.kv.GrantedStores;
import dev.valor.sandbox.internal.log.PluginLog;
import dev.valor.sandbox.internal.outbound.Outbound;
import dev.valor.sandbox.internal.outbound.OutboundPolicy;
import dev.valor.wasm.impl.abi.KvHost;
import dev.valor.wasm.impl.abi.ModuleCheck;
import dev.valor.wasm.impl.abi.WasmRuntime;
import dev.valor.wasm.impl.reactor.ReactorPlug;
import dev.valor.wasm.impl.reactor.ReactorPlugin;
import dev.valor.wasm.impl.reactor.ValorHost;
import dev.valor.wasm.impl.run.DirectoryCache;
import dev.valor.wasm.impl.run.SharedModules;
import dev.valor.wasm.impl.wagi.WagiPlugin;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.osgi.framework.BundleContext;
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

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile VluginRouter router;

    @Reference
    private Linker linker;

    private final HttpClient http = Outbound.newClient();
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
        Path dir = state == null || state.isBlank()
                ? context.getDataFile("wasm-cache").toPath()
                : Paths.get(state, "wasm-cache");
        String cacheMb = context.getProperty("valor.wasm.cache.mb");
        long cacheBytes = cacheMb == null || cacheMb.isBlank()
                ? DirectoryCache.DEFAULT_MAX_BYTES
                : Long.parseLong(cacheMb.strip()) << 20;
        this.modules = new SharedModules(new DirectoryCache(dir, cacheBytes));
        Set<String> names = new HashSet<>();
        try (WasiPreview1 wasi = WasiPreview1.builder()
                .withOptions(WasiOptions.builder().build())
                .build()) {
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
        SandboxDeployment deployment = new SandboxDeployment(context, definition.name(), "wasm", serviceProperties);
        try {
            SharedModules.checkSize(Files.size(artifact)); // before reading it all
            SharedModules.Lease lease = deployment.closing(modules.lease(Files.readAllBytes(artifact)));
            return start(definition, serviceProperties, settings, lease, deployment);
        } catch (IOException e) {
            deployment.close();
            throw new PluginException("cannot read " + artifact + ": " + e.getMessage());
        } catch (Throwable e) { // undone in reverse
            deployment.close();
            throw e;
        }
    }

    private Deployment start(
            PluginDefinition definition,
            Map<String, Object> serviceProperties,
            WasmSettings settings,
            SharedModules.Lease lease,
            SandboxDeployment deployment)
            throws PluginException {
        WasmModule module = lease.module();
        WasmSettings.Abi abi = ModuleCheck.abi(module, settings);
        // The runtime checked them when it read the definition.
        List<Binding> plugs = Linker.plugs(serviceProperties);
        Map<Binding, Cardinality> socketDecl = Linker.sockets(serviceProperties);
        if (abi != WasmSettings.Abi.REACTOR && (!plugs.isEmpty() || !socketDecl.isEmpty())) {
            throw new PluginException("plugs and sockets need the reactor ABI; a WAGI module has neither");
        }
        ModuleCheck.imports(
                module,
                abi,
                wasiFunctions,
                ValorHost.FUNCTIONS,
                settings.kvStores().isEmpty() ? Map.of() : KvHost.FUNCTIONS,
                socketDecl.keySet().stream().map(Binding::toString).collect(Collectors.toSet()));
        Map<Binding, Map<String, String>> plugFunctions = new LinkedHashMap<>();
        for (Binding b : plugs) {
            plugFunctions.put(b, ModuleCheck.plugFunctions(module, b.toString()));
        }
        ModuleCheck.Footprint footprint = ModuleCheck.memory(module, settings);

        long start = System.nanoTime();
        Function<Instance, Machine> machines = lease.machines();
        String abiName = abi.name().toLowerCase(Locale.ROOT);
        LOG.info("Compiled {} ({} ABI) in {} ms", definition.name(), abiName, (System.nanoTime() - start) / 1_000_000);
        WasmRuntime runtime = new WasmRuntime(module, machines, footprint);

        Sockets sockets = socketDecl.isEmpty() ? null : linker.link(definition.name(), socketDecl);
        if (sockets != null) {
            deployment.closing(sockets::close);
        }
        PluginLog log = new PluginLog(PLUGINS, definition.name());
        HostFunction[] granted = new HostFunction[0];
        if (!settings.kvStores().isEmpty()) {
            GrantedStores stores =
                    deployment.closing(new GrantedStores(context, definition.name(), settings.kvStores()));
            granted = new KvHost(stores, log, settings.timeoutMs()).toHostFunctions();
        }
        Vlugin vlugin;
        if (abi == WasmSettings.Abi.REACTOR) {
            ReactorPlugin reactor = deployment.closing(new ReactorPlugin(
                    definition.name(),
                    runtime,
                    settings,
                    config(definition),
                    deadlines,
                    new Outbound(
                            definition.name(),
                            PLUGINS,
                            () -> router,
                            http,
                            new OutboundPolicy(settings.allowedHosts()),
                            (long) settings.memoryPages() * 65536),
                    sockets,
                    log,
                    granted));
            deployment.pool(reactor.pool());
            vlugin = sockets == null ? reactor : sockets.guard(reactor);
            plugFunctions.forEach((binding, functions) -> deployment.plug(
                    binding, new ReactorPlug(definition.name(), binding.toString(), functions, reactor)));
        } else {
            WagiPlugin wagi =
                    new WagiPlugin(definition.name(), definition.prefix(), runtime, settings, deadlines, log, granted);
            deployment.pool(wagi.instances());
            vlugin = wagi;
        }
        return deployment.register(vlugin, settings.timeoutMs(), Map.of("valor.wasm.abi", abiName));
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
