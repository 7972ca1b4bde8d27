package dev.valor.js.impl;

import dev.valor.api.VluginProperties;
import dev.valor.api.VluginRouter;
import dev.valor.api.binding.Binding;
import dev.valor.api.binding.Cardinality;
import dev.valor.api.binding.Linker;
import dev.valor.api.binding.Plug;
import dev.valor.api.binding.Sockets;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.api.plugin.PluginHandler;
import dev.valor.sandbox.internal.Deadlines;
import dev.valor.sandbox.internal.Threads;
import dev.valor.sandbox.internal.deploy.SandboxDeployment;
import dev.valor.sandbox.internal.kv.GrantedStores;
import dev.valor.sandbox.internal.log.PluginLog;
import dev.valor.sandbox.internal.outbound.Outbound;
import dev.valor.sandbox.internal.outbound.OutboundPolicy;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.regex.Pattern;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
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
 * Runs {@code .js} and {@code .mjs} plugins on GraalJS: one shared engine (made when the first
 * JavaScript plugin deploys: it takes about a second, which a runtime without JavaScript plugins
 * should not pay at start), one isolated context per worker, a pool of workers per plugin.
 */
@Component(property = PluginHandler.TYPE + "=js")
public class JsHandler implements PluginHandler {

    private static final Logger LOG = LoggerFactory.getLogger(JsHandler.class);
    private static final Logger PLUGINS = LoggerFactory.getLogger("valor.js");
    private static final Pattern ES_MODULE =
            Pattern.compile("(?m)^[ \\t]*(export|import)\\s"); // [ \t]*, not \s*: across blank lines that is quadratic

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile VluginRouter router;

    @Reference
    private Linker linker;

    private final HttpClient http = Outbound.newClient();
    private BundleContext context;
    private Engine engine; // guarded by this
    private Source bootstrap; // guarded by this, made with the engine
    /** Why the engine cannot start, once GraalJS's own classes failed to initialise: that lasts the JVM's life. */
    private String engineFailure; // guarded by this
    /** Requests' and plug calls' bounds: swept every millisecond, what an allocation may overshoot by. */
    private Deadlines deadlines;
    /** Contexts' start-up deadline: rare, a timer task each. */
    private ScheduledThreadPoolExecutor timer;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        deadlines = new Deadlines("js", 0, 1);
        timer = new ScheduledThreadPoolExecutor(1, Threads.named("valor-js-starts", false, 0));
        timer.setRemoveOnCancelPolicy(true);
    }

    private static Engine newEngine() {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        // Truffle finds its languages through the class path GraalJS is on.
        current.setContextClassLoader(Engine.class.getClassLoader());
        try {
            return Engine.newBuilder("js")
                    .option("engine.WarnInterpreterOnly", "false")
                    .build();
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    /** The shared engine and the bootstrap source, made on first use: loading GraalJS at all takes time. */
    private synchronized Engine engine() throws PluginException {
        if (engineFailure != null) {
            throw new PluginException(engineFailure);
        }
        if (engine == null) {
            long start = System.nanoTime();
            try {
                Source boot = Source.newBuilder("js", Bootstrap.source(), Bootstrap.NAME)
                        .cached(true)
                        .buildLiteral();
                engine = newEngine();
                bootstrap = boot;
            } catch (RuntimeException e) { // an option the engine refuses: a later deploy tries again
                throw new PluginException("the JavaScript engine did not start: " + e);
            } catch (LinkageError | InternalError | ServiceConfigurationError e) {
                // Truffle without a runtime, a broken jar: later tries would only say "Could not
                // initialize class", so every JavaScript plugin is told this first cause.
                engineFailure = "the JavaScript engine did not start: " + e;
                LOG.error("The JavaScript engine did not start", e);
                throw new PluginException(engineFailure);
            }
            // "GraalVM CE": compiled by the Graal JIT (bin/valor on JDK 25); "Interpreted" elsewhere.
            LOG.info(
                    "JavaScript engine ready in {} ms ({})",
                    (System.nanoTime() - start) / 1_000_000,
                    engine.getImplementationName());
        }
        return engine;
    }

    @Deactivate
    synchronized void deactivate() {
        deadlines.close();
        timer.shutdownNow();
        if (engine != null) {
            engine.close(true);
        }
    }

    @Override
    public Deployment deploy(PluginDefinition definition, Path artifact, Map<String, Object> serviceProperties)
            throws PluginException, InterruptedException {
        JsSettings settings = JsSettings.parse(definition.settingsJson());
        String fileName = Path.of(definition.path()).getFileName().toString();
        String text;
        try {
            text = Files.readString(artifact, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PluginException("cannot read " + artifact + ": " + e.getMessage());
        }
        Engine shared = engine();
        Source boot = bootstrap;
        JsSettings.Style style = settings.style() != null
                ? settings.style()
                : fileName.endsWith(".mjs") || ES_MODULE.matcher(text).find()
                        ? JsSettings.Style.MODULE
                        : JsSettings.Style.WORKER;
        Source.Builder source = Source.newBuilder("js", text, fileName).cached(true);
        if (style == JsSettings.Style.MODULE) {
            source.mimeType("application/javascript+module");
        }
        if (settings.streamedRequest() && style != JsSettings.Style.MODULE) {
            throw new PluginException(
                    fileName + ": request.streamed needs module style: a worker's message has no stream body");
        }
        JsProgram program = new JsProgram(source.buildLiteral(), style);
        // The runtime checked them when it read the definition.
        List<Binding> plugs = Linker.plugs(serviceProperties);
        Map<Binding, Cardinality> socketDecl = Linker.sockets(serviceProperties);
        SandboxDeployment deployment = new SandboxDeployment(context, definition.name(), "js", serviceProperties);
        long start = System.nanoTime();
        try {
            Sockets sockets = socketDecl.isEmpty() ? null : linker.link(definition.name(), socketDecl);
            if (sockets != null) {
                deployment.closing(sockets::close);
            }
            GrantedStores stores = settings.kvStores().isEmpty()
                    ? null
                    : deployment.closing(new GrantedStores(context, definition.name(), settings.kvStores()));
            // One log and one outbound per plugin, shared by its workers: the log's rate bound is the plugin's.
            PluginLog log = new PluginLog(PLUGINS, definition.name());
            Outbound outbound = new Outbound(
                    definition.name(),
                    PLUGINS,
                    () -> router,
                    http,
                    new OutboundPolicy(settings.allowedHosts()),
                    settings.memoryBytes());
            JsPlugin plugin = deployment.closing(new JsPlugin(
                    definition.name(),
                    definition.prefix(),
                    settings,
                    () -> new JsWorker(
                            shared,
                            boot,
                            program,
                            definition.name(),
                            definition.configJson(),
                            log,
                            outbound,
                            settings.timeoutMs(),
                            timer,
                            plugs,
                            sockets,
                            stores),
                    deadlines,
                    plugs));
            deployment.pool(plugin.pool());
            for (Binding b : plugs) {
                String binding = b.toString();
                deployment.plug(b, new Plug() {
                    @Override
                    public CompletionStage<byte[]> call(String function, byte[] input) {
                        return call(function, input, null);
                    }

                    @Override
                    public CompletionStage<byte[]> call(String function, byte[] input, String traceparent) {
                        return plugin.plug(binding, function, input, traceparent);
                    }
                });
            }
            String styleName = style.name().toLowerCase(Locale.ROOT);
            deployment.register(
                    sockets == null ? plugin : sockets.guard(plugin),
                    settings.timeoutMs(),
                    Map.of("valor.js.style", styleName, VluginProperties.STREAMED_BODY, settings.streamedRequest()));
            LOG.info(
                    "Started {} ({} style; its first context in {} ms)",
                    definition.name(),
                    styleName,
                    (System.nanoTime() - start) / 1_000_000);
            return deployment;
        } catch (PolyglotException e) { // undone in reverse
            deployment.close();
            throw new PluginException(describe(fileName, e));
        } catch (IllegalArgumentException e) {
            deployment.close();
            throw new PluginException(fileName + ": " + e.getMessage());
        } catch (RuntimeException | Error e) {
            deployment.close();
            throw e;
        }
    }

    /** "hello.js:3:14: SyntaxError: ..." for a file that does not compile, the message otherwise. */
    static String describe(String fileName, PolyglotException e) {
        SourceSection at = e.getSourceLocation();
        String where = at == null ? fileName : fileName + ":" + at.getStartLine() + ":" + at.getStartColumn();
        // The first line only, and not all of it: GraalJS quotes the source after it, and a file
        // registered by path may be anything readable (/proc/self/environ), whose text must not leave.
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        int newline = message.indexOf('\n');
        message = newline < 0 ? message : message.substring(0, newline);
        int found = message.indexOf(" but found ");
        message = e.isSyntaxError() && found > 0 ? message.substring(0, found) : message; // the token found is source
        message = message.length() <= 200 ? message : message.substring(0, 200) + "...";
        message = message.startsWith("SyntaxError: ") ? message.substring("SyntaxError: ".length()) : message;
        return (e.isSyntaxError() ? where + ": SyntaxError: " : where + ": ") + message;
    }
}
