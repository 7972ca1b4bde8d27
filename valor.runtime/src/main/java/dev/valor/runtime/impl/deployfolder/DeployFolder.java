package dev.valor.runtime.impl.deployfolder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.api.plugin.PluginType;
import dev.valor.runtime.impl.definition.DefinitionFile;
import dev.valor.runtime.impl.deploy.Deployer;
import dev.valor.runtime.impl.deploy.Origin;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deploy folder, watched by Felix FileInstall: an artifact ({@code .jar}, {@code .wasm},
 * {@code .js}) deploys a plugin named after the file, a sidecar {@code NAME.json} beside it adds
 * its definition (prefix, config, ...). Adding deploys, replacing swaps, deleting undeploys; a
 * changed sidecar swaps in the new definition. Whatever fails leaves the serving version alone.
 */
@Component(service = {ArtifactInstaller.class, DeployFolder.class})
public class DeployFolder implements ArtifactInstaller {

    /** Framework property: the folder to watch. */
    public static final String DEPLOY_DIR = "valor.deploy.dir";

    private static final Logger LOG = LoggerFactory.getLogger(DeployFolder.class);
    private static final ObjectMapper JSON = DefinitionFile.JSON;
    private static final String SIDECAR = ".json";

    @Reference
    private Deployer deployer;

    private Path dir;
    /** The plugin name each artifact file is deployed under; guarded by this. */
    private final Map<Path, String> deployed = new HashMap<>();
    /** Each artifact's files as they were when last handled (see {@link #stamp}); guarded by this. */
    private final Map<Path, String> handled = new HashMap<>();

    private ScheduledExecutorService checker;
    /** While the start-up deploys the folder, the check stays out of its way (it would race it file by file). */
    private volatile boolean deployingAll;

    /** How often the folder is listed to catch what the watcher missed, and how old a file must be to count. */
    private static final long CHECK_EVERY_MS = 2_000;

    private static final long SETTLED_MS = 1_000;

    @Activate
    void activate(BundleContext context) throws IOException {
        String configured = context.getProperty(DEPLOY_DIR);
        dir = configured == null || configured.isBlank()
                ? null
                : Paths.get(configured).toAbsolutePath().normalize();
        if (dir != null) {
            Files.createDirectories(dir);
            checker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "valor-deploy-check");
                t.setDaemon(true);
                return t;
            });
            checker.scheduleWithFixedDelay(this::check, CHECK_EVERY_MS, CHECK_EVERY_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Deactivate
    void deactivate() {
        if (checker != null) {
            checker.shutdownNow();
            try {
                checker.awaitTermination(
                        10, TimeUnit.SECONDS); // a check waiting for the lock does not deploy after this
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Catches what FileInstall's watcher missed: the JDK's watch service drops events past 512 at
     * once (OVERFLOW), which FileInstall does not follow with a rescan, so a large batch of files
     * dropped together would otherwise stay undeployed. Files must have settled for a second.
     */
    /** Whether a check has run through: what one finds after that, the watcher really missed. */
    private volatile boolean checked;

    private void check() {
        if (deployingAll) {
            return;
        }
        try {
            List<Path> artifacts;
            try (Stream<Path> files = Files.list(dir)) {
                artifacts = files.filter(p -> isArtifact(p.getFileName().toString()))
                        .sorted()
                        .toList();
            }
            long settled = System.currentTimeMillis() - SETTLED_MS;
            synchronized (this) {
                for (Path artifact : artifacts) {
                    try {
                        String stamp = stamp(artifact);
                        if (stamp != null && !stamp.equals(handled.get(artifact)) && lastChange(artifact) < settled) {
                            if (checked) {
                                LOG.warn("{}: found by the folder check (the watcher missed it)", artifact);
                            } else {
                                LOG.info("{}: found at start", artifact); // there before the watcher was
                            }
                            artifactChanged(artifact);
                        }
                    } catch (IOException e) {
                        // gone meanwhile: the next check sees it as gone
                    }
                }
                for (Path gone : List.copyOf(handled.keySet())) {
                    if (!Files.exists(gone)) {
                        LOG.warn("{}: gone, found by the folder check (the watcher missed it)", gone);
                        uninstall(gone.toFile());
                    }
                }
            }
            checked = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) { // a failed check must not end the checks for good
            LOG.warn("Checking the deploy folder {} failed: {}", dir, e.toString());
        }
    }

    /** The artifact's and its sidecar's modification times and sizes; null if the artifact is gone. */
    private String stamp(Path artifact) {
        try {
            Path sidecar = sidecarOf(artifact, baseName(artifact.getFileName().toString()));
            String side = Files.exists(sidecar)
                    ? Files.getLastModifiedTime(sidecar).toMillis() + ":" + Files.size(sidecar)
                    : "-";
            return Files.getLastModifiedTime(artifact).toMillis() + ":" + Files.size(artifact) + "|" + side;
        } catch (IOException e) {
            return null;
        }
    }

    private long lastChange(Path artifact) throws IOException {
        Path sidecar = sidecarOf(artifact, baseName(artifact.getFileName().toString()));
        long a = Files.getLastModifiedTime(artifact).toMillis();
        return Files.exists(sidecar)
                ? Math.max(a, Files.getLastModifiedTime(sidecar).toMillis())
                : a;
    }

    /** Deploys what the folder holds now; FileInstall's first scan then finds nothing new. */
    public void deployAll() throws InterruptedException {
        if (dir == null) {
            return;
        }
        List<Path> artifacts;
        try (Stream<Path> files = Files.list(dir)) {
            artifacts = files.filter(p -> isArtifact(p.getFileName().toString()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            LOG.error("Cannot list the deploy folder {}: {}", dir, e.getMessage());
            return;
        }
        deployingAll = true;
        try {
            for (Path artifact : artifacts) {
                artifactChanged(artifact);
            }
        } finally {
            deployingAll = false;
        }
    }

    @Override
    public boolean canHandle(File file) {
        if (dir == null) {
            return false;
        }
        Path path = file.toPath().toAbsolutePath().normalize();
        String name = path.getFileName().toString();
        return dir.equals(path.getParent()) && (isArtifact(name) || isSidecar(name));
    }

    @Override
    public void install(File file) throws InterruptedException {
        changed(file.toPath().toAbsolutePath().normalize());
    }

    @Override
    public void update(File file) throws InterruptedException {
        changed(file.toPath().toAbsolutePath().normalize());
    }

    @Override
    public synchronized void uninstall(File file) throws InterruptedException {
        Path path = file.toPath().toAbsolutePath().normalize();
        String name = path.getFileName().toString();
        if (isSidecar(name)) {
            Path artifact = artifactOf(path);
            if (artifact != null) {
                artifactChanged(artifact); // back to the definition the file name gives
            }
            return;
        }
        deployed.remove(path);
        handled.remove(path);
        // Whatever this file defined goes, served or failed.
        for (String plugin : deployer.names(Origin.DEPLOY_FOLDER, path.toString())) {
            deployer.undeploy(plugin);
        }
    }

    private synchronized void changed(Path path) throws InterruptedException {
        String name = path.getFileName().toString();
        if (isSidecar(name)) {
            Path artifact = artifactOf(path);
            if (artifact == null) {
                LOG.info("{}: no artifact beside this definition yet", path);
            } else {
                artifactChanged(artifact);
            }
        } else {
            artifactChanged(path);
        }
    }

    /** Deploys the file again as a new version, even if nothing changed. */
    public synchronized void reload(Path artifact) throws PluginException, InterruptedException {
        if (!Files.isRegularFile(artifact)) {
            throw new PluginException(artifact + " is gone");
        }
        String name = artifactChanged(artifact, true);
        String error = deployer.managed(name).map(m -> m.error()).orElse("");
        if (!error.isEmpty()) {
            throw new PluginException(error);
        }
    }

    private void artifactChanged(Path artifact) throws InterruptedException {
        artifactChanged(artifact, false);
    }

    /** Deploys the artifact with its definition; returns the name it claims. */
    private synchronized String artifactChanged(Path artifact, boolean force) throws InterruptedException {
        String stamp = stamp(artifact);
        try {
            return deployAs(artifact, force);
        } catch (InterruptedException e) {
            stamp = null; // an interrupted attempt is tried again
            throw e;
        } finally {
            // Failed or not, the file is not tried again until it changes.
            if (stamp != null) {
                handled.put(artifact, stamp);
            }
        }
    }

    private String deployAs(Path artifact, boolean force) throws InterruptedException {
        String source = artifact.toString();
        String fileName = artifact.getFileName().toString();
        String baseName = baseName(fileName);
        String previous = deployed.get(artifact);
        PluginDefinition definition;
        try {
            definition = definition(artifact, baseName);
        } catch (PluginException e) {
            LOG.error("{}: {}", sidecarOf(artifact, baseName), e.getMessage());
            deployer.failed(
                    fallback(artifact, baseName),
                    previous != null ? previous : baseName,
                    Origin.DEPLOY_FOLDER,
                    source,
                    sidecarOf(artifact, baseName).getFileName() + ": " + e.getMessage());
            return previous != null ? previous : baseName;
        }
        if (previous != null && !previous.equals(definition.name())) {
            deployer.undeploy(previous); // the sidecar renamed it: the old name lets go of its prefix first
            deployed.remove(artifact);
        }
        try {
            deployer.deploy(definition, artifact, Origin.DEPLOY_FOLDER, source, force);
            deployed.put(artifact, definition.name());
        } catch (PluginException e) { // recorded by the deployer
            LOG.error("{}: {}", artifact, e.getMessage());
        }
        return definition.name();
    }

    /**
     * The plugin's definition: the sidecar's fields, then the route the artifact declares (a
     * bundle's {@code @VluginRoute}), then the file name (name = base name, prefix = name).
     */
    private PluginDefinition definition(Path artifact, String baseName) throws PluginException {
        PluginType type = PluginType.ofFileName(artifact.getFileName().toString());
        Path sidecar = sidecarOf(artifact, baseName);
        ObjectNode node;
        if (Files.isRegularFile(sidecar)) {
            JsonNode read;
            try {
                read = JSON.readTree(sidecar.toFile());
            } catch (JsonProcessingException e) {
                throw new PluginException("not a valid definition: " + e.getOriginalMessage()
                        + (e.getLocation() == null
                                ? ""
                                : " at line " + e.getLocation().getLineNr() + ", column "
                                        + e.getLocation().getColumnNr()));
            } catch (IOException e) {
                throw new PluginException("cannot read the definition: " + e.getMessage());
            }
            if (read == null || !read.isObject()) {
                throw new PluginException("not a valid definition: expected a JSON object");
            }
            node = (ObjectNode) read;
        } else {
            node = JSON.createObjectNode();
        }
        if (!node.hasNonNull("name")) {
            Map<String, String> declared = deployer.declaredRoute(type, artifact);
            node.put("name", declared.getOrDefault("name", baseName));
            if (!node.hasNonNull("prefix") && declared.containsKey("prefix")) {
                node.put("prefix", declared.get("prefix"));
            }
        }
        node.put("path", artifact.getFileName().toString());
        node.put("type", type.id());
        DefinitionFile.Entry entry = DefinitionFile.entry(1, node);
        if (!entry.ok()) {
            throw new PluginException(entry.error());
        }
        return entry.definition();
    }

    /** What a failure is shown under when the definition itself is broken: the file name's plugin. */
    private static PluginDefinition fallback(Path artifact, String baseName) {
        try {
            return new PluginDefinition(
                    baseName,
                    null,
                    PluginType.ofFileName(artifact.getFileName().toString()),
                    artifact.getFileName().toString(),
                    null);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private Path artifactOf(Path sidecar) {
        String base = baseName(sidecar.getFileName().toString());
        for (PluginType type : PluginType.values()) {
            for (String extension : type.extensions()) {
                Path candidate = sidecar.resolveSibling(base + extension);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static Path sidecarOf(Path artifact, String baseName) {
        return artifact.resolveSibling(baseName + SIDECAR);
    }

    private static boolean isArtifact(String name) {
        return !name.startsWith(".") && PluginType.ofFileName(name) != null;
    }

    private static boolean isSidecar(String name) {
        return !name.startsWith(".") && name.endsWith(SIDECAR) && name.length() > SIDECAR.length();
    }

    private static String baseName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
