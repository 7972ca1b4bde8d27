package dev.valor.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/** The OSGi framework's life: configure, install the bundles, start, wait until ready, stop. */
final class Launcher {

    private static final long READY_TIMEOUT_MS = 60_000;
    private static final long STOP_TIMEOUT_MS = 5_000;

    // Logging lives on the class path so no bundle needs a service-loader mediator; GraalJS too,
    // because an engine in a reinstalled bundle leaks its classes (see docs/architecture.md).
    // Exported at the versions the pom gave them (versions.properties, filtered by the build).
    private static final String SYSTEM_PACKAGES_EXTRA = systemPackagesExtra();

    private static String systemPackagesExtra() {
        Properties versions = new Properties();
        try (InputStream in = Launcher.class.getResourceAsStream("versions.properties")) {
            versions.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the launcher jar lacks its versions.properties", e);
        }
        String slf4j = versions.getProperty("slf4j");
        // bin/valor puts the compiled GraalJS on the module path (JDK 25) and the interpreter's on the class path.
        String graal = ModuleLayer.boot().findModule("org.graalvm.polyglot").isPresent()
                ? versions.getProperty("graal.jit")
                : versions.getProperty("graal");
        return String.join(
                ",",
                "org.slf4j;version=" + slf4j,
                "org.slf4j.spi;version=" + slf4j,
                "org.slf4j.event;version=" + slf4j,
                "org.slf4j.helpers;version=" + slf4j,
                "org.graalvm.polyglot;version=" + graal,
                "org.graalvm.polyglot.io;version=" + graal,
                "org.graalvm.polyglot.proxy;version=" + graal,
                // Per-thread allocated bytes, which bound a JavaScript request's memory.
                "com.sun.management");
    }

    private final Path home;
    private final Options options;
    private Framework framework;
    private Path storage;
    private volatile boolean stopping;
    private String registryToken;
    private boolean generatedToken;

    private static final String GOGO_SHELL = "org.apache.felix.gogo.shell";

    Launcher(Path home, Options options, boolean shell) {
        this.home = home;
        this.options = options;
        this.shell = shell;
    }

    /** Whether the Gogo shell reads stdin: then it is started by {@link #startShell}, once the runtime is ready. */
    private final boolean shell;

    private Bundle shellBundle;

    /** Opens the shell: after the ready lines, so its first prompt follows them. */
    void startShell() {
        if (shellBundle != null) {
            try {
                shellBundle.start();
            } catch (BundleException e) {
                System.err.println("valor: the Gogo shell did not start: " + e.getMessage());
            }
        }
    }

    void start() throws Main.StartException {
        StartupTrace trace = StartupTrace.create();
        storage = cacheFolder();
        Map<String, String> config = frameworkProperties();
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class)
                .findFirst()
                .orElseThrow(() -> new Main.StartException("no OSGi framework on the class path"));
        framework = factory.newFramework(config);
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopOnSignal, "valor-shutdown"));
        try {
            framework.init();
            trace.mark("framework created");
            installBundles(framework.getBundleContext());
            trace.mark("bundles installed and started");
            framework.start();
            trace.mark("framework started");
        } catch (BundleException e) {
            throw new Main.StartException("cannot start the OSGi framework: " + e.getMessage());
        }
        awaitReady(trace);
        trace.mark("ready");
    }

    /**
     * The framework's cache: {@code var/felix-cache-PORT} in the distribution (one per port, so
     * instances do not meet; cleaned at every start, so a killed run leaves nothing that matters),
     * or a temporary folder when the distribution is read-only.
     */
    private Path cacheFolder() throws Main.StartException {
        Path cache = home.resolve("var").resolve("felix-cache-" + options.port);
        try {
            Files.createDirectories(cache);
            if (Files.isWritable(cache)) {
                return cache;
            }
        } catch (IOException e) {
            // read-only installation: fall through
        }
        try {
            return Files.createTempDirectory("valor-cache-");
        } catch (IOException e) {
            throw new Main.StartException("cannot create the framework's cache folder: " + e.getMessage());
        }
    }

    /** Blocks until the framework stops; the exit code. */
    int awaitStop() {
        try {
            FrameworkEvent event = framework.waitForStop(0);
            return event.getType() == FrameworkEvent.ERROR ? 1 : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            deleteStorage();
        }
    }

    /**
     * SIGTERM while serving: drain, stop, and exit 0, as a clean stop does (the JVM would say 143).
     * At any other exit the framework is no longer active, and the exit code stays as it was.
     */
    private void stopOnSignal() {
        boolean serving = framework != null && framework.getState() == Bundle.ACTIVE && !stopping;
        stop();
        if (serving) {
            Runtime.getRuntime().halt(0);
        }
    }

    synchronized void stop() {
        if (stopping || framework == null) {
            return;
        }
        stopping = true;
        drain();
        try {
            framework.stop();
            framework.waitForStop(STOP_TIMEOUT_MS);
        } catch (BundleException | InterruptedException e) {
            // stopping anyway
        }
        deleteStorage();
        BufferedLogs.flush(); // the drained requests' access lines, before a signal's halt
    }

    /**
     * A graceful stop's first part: says the runtime is stopping (readiness turns 503; the router
     * serves new requests for {@code valor.drain.grace.ms} more, then refuses them) and waits until
     * the router reports no request in flight, at most {@code valor.drain.timeout.ms} after the grace.
     * The names are dev.valor.api.plugin.Lifecycle's: that package is not on the launcher's class path.
     */
    private void drain() {
        if (framework.getState() != Bundle.ACTIVE) {
            return; // not started, or stopping already
        }
        BundleContext context = framework.getBundleContext();
        long grace = longProperty(context, "valor.drain.grace.ms", 0);
        long timeout = longProperty(context, "valor.drain.timeout.ms", 30_000);
        CountDownLatch drained = new CountDownLatch(1);
        ServiceListener listener = event -> {
            if (event.getType() == ServiceEvent.REGISTERED) {
                drained.countDown();
            }
        };
        try {
            context.addServiceListener(listener, "(valor.drained=true)");
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("valor.stopping", "true");
            props.put("valor.drain.grace.ms", Long.toString(grace));
            context.registerService(Object.class, new Object(), props);
            if (context.getServiceReferences((String) null, "(valor.drained=true)") == null) {
                drained.await(grace + timeout, TimeUnit.MILLISECONDS);
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop at once
        } catch (IllegalStateException e) {
            // the framework went meanwhile
        } finally {
            try {
                context.removeServiceListener(listener);
            } catch (IllegalStateException e) {
                // gone with the framework
            }
        }
    }

    private static long longProperty(BundleContext context, String name, long fallback) {
        String value = context.getProperty(name);
        return value == null || value.isBlank() ? fallback : Long.parseLong(value.strip());
    }

    private Map<String, String> frameworkProperties() throws Main.StartException {
        Map<String, String> config = new HashMap<>();
        Path conf = home.resolve("conf/framework.properties");
        if (Files.isRegularFile(conf)) {
            Properties props = new Properties();
            try (InputStream in = Files.newInputStream(conf)) {
                props.load(in);
            } catch (IOException e) {
                throw new Main.StartException("cannot read " + conf + ": " + e.getMessage());
            }
            props.stringPropertyNames().forEach(n -> config.put(n, props.getProperty(n)));
        }
        // Deploy-folder defaults; conf/framework.properties may change them.
        config.putIfAbsent("felix.fileinstall.poll", "50");
        config.putIfAbsent("felix.fileinstall.noInitialDelay", "true");
        config.putIfAbsent("felix.fileinstall.subdir.mode", "skip");
        config.putIfAbsent("felix.fileinstall.enableConfigSave", "false");
        // Plugin artifacts and ConfigAdmin files only: no dotfiles, no copies in progress (.part, .tmp).
        config.putIfAbsent("felix.fileinstall.filter", "^[^.].*\\.(jar|wasm|js|mjs|json|cfg|config)$");
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        // A new version of a plugin bundle may have the same name and version as the serving one.
        config.put(Constants.FRAMEWORK_BSNVERSION, Constants.FRAMEWORK_BSNVERSION_MULTIPLE);
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SYSTEM_PACKAGES_EXTRA);
        config.put("org.osgi.service.http.port", Integer.toString(options.port));
        config.put("org.apache.felix.http.host", options.host);
        config.put("valor.home", home.toString());
        config.put("valor.plugins.dir", home.resolve("plugins").toString());
        Path deploy = (options.deployDir != null ? options.deployDir : home.resolve("deploy"))
                .toAbsolutePath()
                .normalize();
        try {
            Files.createDirectories(deploy);
        } catch (IOException e) {
            throw new Main.StartException("cannot create the deploy folder " + deploy + ": " + e.getMessage());
        }
        config.put("valor.deploy.dir", deploy.toString());
        config.put("felix.fileinstall.dir", deploy.toString());
        if (options.pluginsFile != null) {
            config.put(
                    "valor.plugins.file",
                    options.pluginsFile.toAbsolutePath().normalize().toString());
        }
        config.put("valor.registry.endpoint", Boolean.toString(options.withRegistry));
        config.put("valor.state.dir", home.resolve("var").toString());
        Map<String, String> kvStores = new LinkedHashMap<>(options.kvStores);
        if (options.fleet != null) {
            config.put("valor.fleet", options.fleet);
            kvStores.putIfAbsent("default", options.fleet); // plugins share state across the fleet
        }
        if (!kvStores.isEmpty()) {
            StringBuilder stores = new StringBuilder();
            kvStores.forEach(
                    (name, url) -> stores.append(name).append('=').append(url).append(' '));
            config.put("valor.kv.stores", stores.toString().trim());
        }
        if (options.withRegistry) {
            config.put("valor.registry.token", registryToken());
        }
        config.put("valor.metrics", Boolean.toString(options.metrics));
        config.put("valor.log.format", options.jsonLogs ? "json" : "text");
        if (options.metrics && !options.loopbackOnly()) {
            config.put("valor.metrics.token", registryToken()); // guarded as the registry is
        }
        if (!shell) {
            config.put("gosh.args", "--nointeractive"); // no terminal: no shell on stdin
        }
        return config;
    }

    /** The registry endpoint's token: {@code VALOR_REGISTRY_TOKEN}, or a new random one for this run. */
    String registryToken() {
        if (registryToken == null) {
            String env = System.getenv("VALOR_REGISTRY_TOKEN");
            if (env != null && !env.isBlank()) {
                registryToken = env.strip();
            } else {
                byte[] random = new byte[24];
                new SecureRandom().nextBytes(random);
                registryToken = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                generatedToken = true;
            }
        }
        return registryToken;
    }

    /** Whether the token was made for this run (and so must be shown once). */
    boolean tokenGenerated() {
        return generatedToken;
    }

    private void installBundles(BundleContext context) throws Main.StartException {
        Path dir = home.resolve("bundles");
        List<Path> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new Main.StartException("cannot list " + dir + ": " + e.getMessage());
        }
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jars) {
            try {
                installed.add(context.installBundle(jar.toUri().toString()));
            } catch (BundleException e) {
                throw new Main.StartException("cannot install " + jar + ": " + e.getMessage());
            }
        }
        for (Bundle bundle : installed) {
            if (shell && GOGO_SHELL.equals(bundle.getSymbolicName())) {
                shellBundle = bundle; // its prompt waits for the ready line
            } else if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                try {
                    bundle.start();
                } catch (BundleException e) {
                    throw new Main.StartException("cannot start " + bundle.getSymbolicName() + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * Ready means what {@code /_health/ready} says, asked on the real port: the start-up deploys are
     * done and the router serves. The ready line is printed on the same answer a probe gets.
     */
    private void awaitReady(StartupTrace trace) throws Main.StartException {
        long deadline = System.nanoTime() + READY_TIMEOUT_MS * 1_000_000;
        boolean said = false;
        // A fleet node waits as long as it takes (Redis away, a fleet plugin that does not deploy
        // here yet): its load balancer keeps it out meanwhile, and it turns ready by itself.
        while (System.nanoTime() < deadline || options.fleet != null) {
            if (framework.getState() != Bundle.ACTIVE) {
                throw new Main.StartException("the runtime stopped before it was ready");
            }
            if (ready()) {
                trace.mark("/_health/ready answered 200");
                return;
            }
            if (!said && options.fleet != null && System.nanoTime() > deadline) {
                said = true;
                System.out.println("Not ready after " + READY_TIMEOUT_MS / 1000
                        + " s: waiting to run the fleet's whole set (the log says what is missing)");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Main.StartException("interrupted while starting");
            }
        }
        throw new Main.StartException("the runtime did not become ready within " + READY_TIMEOUT_MS / 1000 + " s");
    }

    private boolean ready() {
        String host = options.host.equals("0.0.0.0") || options.host.equals("::") ? "127.0.0.1" : options.host;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, options.port), 200);
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /_health/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] head = socket.getInputStream().readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    /** Called by the main thread once the framework stops and by a stop: one at a time. */
    private synchronized void deleteStorage() {
        Path dir = storage;
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: it is a temporary folder
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: a folder that went while it was walked
        }
    }
}
