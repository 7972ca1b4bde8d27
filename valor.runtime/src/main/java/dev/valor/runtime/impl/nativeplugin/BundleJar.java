package dev.valor.runtime.impl.nativeplugin;

import dev.valor.api.plugin.PluginException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.osgi.framework.Constants;

/**
 * What the runtime and the framework read of a bundle jar before any of its code runs: the
 * manifest and the Declarative Services descriptors, each read up to a bound. A 1 MB jar can
 * inflate a descriptor to 1 GiB, which the framework and SCR would hold whole in memory.
 */
final class BundleJar {

    /** Largest manifest or component descriptor read, inflated. */
    static final int MAX_DESCRIPTOR_BYTES = 1024 * 1024;
    /** Most descriptors a bundle may name. */
    static final int MAX_DESCRIPTORS = 256;

    private final Manifest manifest;
    private final Map<String, byte[]> descriptors;

    private BundleJar(Manifest manifest, Map<String, byte[]> descriptors) {
        this.manifest = manifest;
        this.descriptors = descriptors;
    }

    /** Reads and checks the jar; a file that is not a bundle or is past a bound is refused, saying why. */
    static BundleJar read(Path jar) throws PluginException {
        // Opening reads the central directory at the end: a truncated or foreign file fails here.
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            ZipEntry manifestEntry = file.getEntry(JarFile.MANIFEST_NAME);
            if (manifestEntry == null) {
                throw new PluginException("not a bundle: the jar has no manifest");
            }
            Manifest manifest = new Manifest(new ByteArrayInputStream(bounded(file, manifestEntry)));
            if (manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME) == null) {
                throw new PluginException("not a bundle: its manifest has no Bundle-SymbolicName");
            }
            Map<String, byte[]> descriptors = new LinkedHashMap<>();
            String header = manifest.getMainAttributes().getValue("Service-Component");
            if (header != null) {
                for (String path : header.split(",")) {
                    for (ZipEntry entry : matching(file, path.strip())) {
                        if (descriptors.size() == MAX_DESCRIPTORS) {
                            throw new PluginException(
                                    "the bundle names more than " + MAX_DESCRIPTORS + " component descriptors");
                        }
                        descriptors.put(entry.getName(), bounded(file, entry));
                    }
                }
            }
            return new BundleJar(manifest, descriptors);
        } catch (IOException e) {
            throw new PluginException("not a jar (empty, truncated or another kind of file): " + e.getMessage());
        }
    }

    Manifest manifest() {
        return manifest;
    }

    /** The component descriptors the Service-Component header names, by entry name, as read. */
    Map<String, byte[]> descriptors() {
        return descriptors;
    }

    /** The entries a Service-Component path names: one file, or a {@code *} pattern in its last segment as SCR reads it. */
    private static List<ZipEntry> matching(JarFile file, String path) {
        List<ZipEntry> found = new ArrayList<>();
        int star = path.indexOf('*');
        if (star < 0) {
            ZipEntry entry = file.getEntry(path);
            if (entry != null) {
                found.add(entry);
            }
            return found;
        }
        int slash = path.lastIndexOf('/');
        String folder = path.substring(0, slash + 1);
        String pattern = path.substring(slash + 1);
        for (Enumeration<? extends ZipEntry> entries = file.entries(); entries.hasMoreElements(); ) {
            ZipEntry entry = entries.nextElement();
            String name = entry.getName();
            if (!entry.isDirectory()
                    && name.startsWith(folder)
                    && name.indexOf('/', folder.length()) < 0
                    && glob(pattern, name.substring(folder.length()))) {
                found.add(entry);
            }
        }
        return found;
    }

    /** Whether a name matches a pattern of literal text and {@code *}, without backtracking blow-ups. */
    static boolean glob(String pattern, String name) {
        String[] parts = pattern.split("\\*", -1);
        if (!name.startsWith(parts[0])) {
            return false;
        }
        int at = parts[0].length();
        for (int i = 1; i < parts.length - 1; i++) {
            int next = name.indexOf(parts[i], at);
            if (next < 0) {
                return false;
            }
            at = next + parts[i].length();
        }
        String last = parts[parts.length - 1];
        return parts.length == 1 ? name.length() == at : name.length() - last.length() >= at && name.endsWith(last);
    }

    /** The entry's bytes as inflated, whatever size it declares, refused past the bound. */
    private static byte[] bounded(JarFile file, ZipEntry entry) throws IOException, PluginException {
        try (InputStream in = file.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(MAX_DESCRIPTOR_BYTES + 1);
            if (bytes.length > MAX_DESCRIPTOR_BYTES) {
                throw new PluginException(entry.getName() + " is larger than " + MAX_DESCRIPTOR_BYTES / 1024
                        + " KiB inflated; refused before the framework reads it");
            }
            return bytes;
        }
    }
}
