package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.valor.api.Vlugin;
import dev.valor.api.VluginProperties;
import dev.valor.api.plugin.PluginInfo;
import dev.valor.api.plugin.PluginState;
import dev.valor.itest.fixture.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;

/** The deploy folder, watched by FileInstall: drop, replace, delete, sidecars, and every bad artifact. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeployFolderIT extends DeployFolderSupport {

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(
                valor(Map.of()),
                systemProperty(Fixtures.DIR).value(Fixtures.build().toString()));
    }

    private List<Long> pluginBundles() {
        List<Long> ids = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getLocation().startsWith("valor:native:")) {
                ids.add(b.getBundleId());
            }
        }
        return ids;
    }

    @Test
    public void shouldDeployADroppedJarUnderItsFileNameAndUndeployItWhenDeleted() throws Exception {
        drop(Fixtures.GREETER_V1, "greeter.jar");
        awaitBody("/greeter", "v1:");
        PluginInfo info = awaitInfo("greeter", i -> i.state() == PluginState.ACTIVE);
        assertEquals("greeter", info.prefix());
        assertEquals("1.0.0", info.version());
        assertEquals(deploy.resolve("greeter.jar").toString(), info.source());

        Files.delete(deploy.resolve("greeter.jar"));
        awaitStatus("/greeter", 404);
        awaitInfo("_health", i -> registry().plugin("greeter").isEmpty());
    }

    @Test
    public void shouldUseTheRouteABundleDeclaresWhenThereIsNoSidecar() throws Exception {
        drop(Fixtures.GREETER_V2, "release-2.0.jar"); // its component says @VluginRoute(name = "greeter")
        awaitBody("/greeter", "v2:");
        assertEquals(404, get("/release-2.0").statusCode());
        // The route answers a moment before the deployer records the version it just started.
        assertEquals(
                deploy.resolve("release-2.0.jar").toString(),
                awaitInfo("greeter", i -> i.state() == PluginState.ACTIVE).source());
        write("release-2.0.json", "{\"name\": \"renamed\", \"prefix\": \"r\"}");
        awaitBody("/r", "v2:");
        awaitInfo("renamed", i -> i.state() == PluginState.ACTIVE);
        awaitStatus("/greeter", 404);
        assertTrue(registry().plugin("greeter").isEmpty());
    }

    @Test
    public void shouldHotSwapWhenTheFileIsReplaced() throws Exception {
        drop(Fixtures.GREETER_V1, "greeter.jar");
        awaitBody("/greeter", "v1:");
        drop(Fixtures.GREETER_V2, "greeter.jar");
        awaitBody("/greeter", "v2:");
        awaitInfo("greeter", i -> i.version().equals("2.0.0")); // recorded a moment after it is routed
        awaitInfo("greeter", i -> pluginBundles().size() == 1); // the old version's bundle is gone
    }

    @Test
    public void shouldReconfigureFromTheSidecarWithoutReinstalling() throws Exception {
        write("greeter.json", "{\"prefix\": \"hi\", \"config\": \"first\"}");
        drop(Fixtures.GREETER_V1, "greeter.jar");
        awaitBody("/hi", "v1:first");
        assertEquals(404, get("/greeter").statusCode());
        List<Long> bundles = pluginBundles();

        write("greeter.json", "{\"prefix\": \"hi\", \"config\": \"second\"}");
        awaitBody("/hi", "v1:second");
        assertEquals("the same bundle serves the new definition", bundles, pluginBundles());

        Files.delete(deploy.resolve("greeter.json"));
        awaitBody("/greeter", "v1:");
        awaitStatus("/hi", 404);
    }

    @Test
    public void shouldRunTwoVersionsOfOneComponentSideBySideEachInItsOwnBundle() throws Exception {
        write("old.json", "{\"name\": \"old\", \"prefix\": \"old\"}");
        drop(Fixtures.GREETER_V1, "old.jar");
        awaitBody("/old", "v1:");
        write("new.json", "{\"name\": \"new\", \"prefix\": \"new\"}");
        drop(Fixtures.GREETER_V1_1, "new.jar"); // the same component name, bundle version 1.1.0
        awaitBody("/new", "v1:");
        for (int i = 0; i < 20; i++) {
            assertEquals(
                    "1.0.0",
                    get("/old").headers().firstValue("x-bundle-version").orElse(""));
            assertEquals(
                    "1.1.0",
                    get("/new").headers().firstValue("x-bundle-version").orElse(""));
        }
        // A version's configuration reaches its own bundle only, not the other bundle that has a
        // component of the same name: that one would serve it, and take it along when it goes.
        assertEquals(List.of("1.0.0"), bundleVersionsServing("old"));
        assertEquals(List.of("1.1.0"), bundleVersionsServing("new"));
        Files.delete(deploy.resolve("old.jar"));
        awaitStatus("/old", 404);
        assertEquals(
                "1.1.0", get("/new").headers().firstValue("x-bundle-version").orElse(""));
        assertEquals(List.of("1.1.0"), bundleVersionsServing("new"));
    }

    private List<String> bundleVersionsServing(String name) throws Exception {
        List<String> versions = new ArrayList<>();
        ServiceReference<?>[] refs =
                context.getServiceReferences(Vlugin.class.getName(), "(" + VluginProperties.NAME + "=" + name + ")");
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            versions.add(ref.getBundle().getVersion().toString());
        }
        return versions;
    }

    @Test
    public void shouldNeverRunAPluginsComponentWithoutItsDefinition() throws Exception {
        List<String> unconfigured = new java.util.concurrent.CopyOnWriteArrayList<>();
        ServiceListener listener = event -> {
            ServiceReference<?> ref = event.getServiceReference();
            if (event.getType() == ServiceEvent.REGISTERED && ref.getProperty("valor.generation") == null) {
                unconfigured.add(String.valueOf(ref.getProperty(VluginProperties.NAME)));
            }
        };
        context.addServiceListener(listener, "(objectClass=" + Vlugin.class.getName() + ")");
        try {
            write("greeter.json", "{\"prefix\": \"hi\"}");
            drop(Fixtures.GREETER_V1, "greeter.jar");
            awaitBody("/hi", "v1:");
            drop(Fixtures.GREETER_V2, "greeter.jar");
            awaitBody("/hi", "v2:");
        } finally {
            context.removeServiceListener(listener);
        }
        // Run unconfigured, its component would answer at the prefix it declares for a moment, then go.
        assertEquals("Vlugin services registered without a version's definition", List.of(), unconfigured);
        assertEquals(404, get("/greeter").statusCode());
    }

    @Test
    public void shouldNeverFailARequestWhileSwapping() throws Exception {
        drop(Fixtures.GREETER_V1, "greeter.jar");
        awaitBody("/greeter", "v1:");
        LoadResult load = underLoad(
                "/greeter",
                r -> r.statusCode() == 200
                        && (r.body().equals("v1:") || r.body().equals("v2:")),
                () -> {
                    for (int swap = 0; swap < 10; swap++) {
                        boolean two = swap % 2 == 0;
                        drop(two ? Fixtures.GREETER_V2 : Fixtures.GREETER_V1, "greeter.jar");
                        awaitBody("/greeter", two ? "v2:" : "v1:");
                    }
                });
        assertTrue("some requests were answered: " + load.answered(), load.answered() > 50);
        assertEquals(
                "non-2xx or wrong answers during 10 swaps: " + load.bad(),
                0,
                load.bad().size());
    }

    @Test
    public void shouldKeepTheGoodVersionServingWhenAnUpdateIsBad() throws Exception {
        String[][] bad = {
            {Fixtures.EMPTY, "not a jar"},
            {Fixtures.TRUNCATED, "not a jar (empty, truncated or another kind of file)"},
            {Fixtures.NOT_A_JAR, "not a jar (empty, truncated or another kind of file)"},
            {Fixtures.NO_MANIFEST, "the jar has no manifest"},
            {Fixtures.NOT_A_BUNDLE, "no Bundle-SymbolicName"},
            {Fixtures.DESCRIPTOR_BOMB, "is larger than 1024 KiB inflated; refused before the framework reads it"},
            {Fixtures.UNRESOLVABLE, "cannot start"},
            {Fixtures.FAILING, "failed to activate: "},
        };
        drop(Fixtures.GREETER_V1, "greeter.jar");
        awaitBody("/greeter", "v1:");
        for (String[] kind : bad) {
            drop(kind[0], "greeter.jar");
            PluginInfo info = awaitInfo("greeter", i -> !i.reason().isEmpty());
            assertTrue(kind[0] + ": " + info.reason(), info.reason().contains(kind[1]));
            assertEquals(kind[0], PluginState.ACTIVE, info.state());
            assertEquals(kind[0], "v1:", get("/greeter").body());
            String shown = (String) shell("valor:info greeter");
            assertTrue(shown, shown.contains("state:   active") && shown.contains("error:   " + info.reason()));
            assertTrue(((String) shell("valor:list")).contains("! greeter: " + info.reason()));
            drop(Fixtures.GREETER_V1, "greeter.jar"); // fixing the file clears the error
            awaitInfo("greeter", i -> i.reason().isEmpty());
        }
        assertEquals(1, pluginBundles().size());
    }

    @Test
    public void shouldReportABadFirstDeployAndRecoverWhenTheFileIsFixed() throws Exception {
        write("broken.json", "{\"name\": \"broken\"}");
        drop(Fixtures.UNRESOLVABLE, "broken.jar");
        PluginInfo info = awaitInfo("broken", i -> i.state() == PluginState.FAILED);
        assertTrue(info.reason(), info.reason().contains("com.example.nowhere"));
        assertEquals(404, get("/broken").statusCode());
        drop(Fixtures.GREETER_V2, "broken.jar");
        awaitBody("/broken", "v2:");
    }

    @Test
    public void shouldKeepServingWhenTheSidecarIsBroken() throws Exception {
        write("greeter.json", "{\"config\": \"ok\"}");
        drop(Fixtures.GREETER_V1, "greeter.jar");
        awaitBody("/greeter", "v1:ok");
        write("greeter.json", "{\"config\": \"oops\"");
        PluginInfo info = awaitInfo("greeter", i -> !i.reason().isEmpty());
        assertTrue(info.reason(), info.reason().startsWith("greeter.json: not a valid definition"));
        assertEquals("v1:ok", get("/greeter").body());
        write("greeter.json", "{\"config\": \"fixed\"}");
        awaitBody("/greeter", "v1:fixed");
        awaitInfo("greeter", i -> i.reason().isEmpty());
    }

    @Test
    public void shouldRefuseAPrefixAnotherPluginServes() throws Exception {
        drop(Fixtures.GREETER_V1, "greeter.jar");
        awaitBody("/greeter", "v1:");
        write("thief.json", "{\"name\": \"thief\", \"prefix\": \"greeter\"}");
        drop(Fixtures.GREETER_V2, "thief.jar");
        PluginInfo thief = awaitInfo("thief", i -> i.state() == PluginState.FAILED);
        assertTrue(
                thief.reason(), thief.reason().startsWith("prefix 'greeter' is already claimed by plugin 'greeter'"));
        assertEquals("v1:", get("/greeter").body());
    }

    @Test
    public void shouldApplyConfigurationFilesDroppedBesideThePlugins() throws Exception {
        drop(Fixtures.GREETER_V1, "greeter.jar");
        awaitBody("/greeter", "v1:");
        write("dev.valor.http.cfg", "max.body.bytes=100\n");
        long deadline = System.nanoTime() + 10_000_000_000L;
        int status;
        do {
            status = postBody("/greeter", 200);
        } while (status != 413 && System.nanoTime() < deadline);
        assertEquals("the router's body limit comes from deploy/dev.valor.http.cfg", 413, status);
        Files.delete(deploy.resolve("dev.valor.http.cfg"));
        do {
            status = postBody("/greeter", 200);
        } while (status != 200 && System.nanoTime() < deadline);
        assertEquals(200, status);
    }

    /**
     * The status of a POST of {@code length} bytes, or -1 when the connection closed under the
     * client: a 413 sent before the body is read may close it while the body is still on its way.
     */
    private int postBody(String path, int length) throws Exception {
        try {
            return send(HttpRequest.newBuilder(URI.create(base() + path))
                            .POST(HttpRequest.BodyPublishers.ofString("x".repeat(length))))
                    .statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The runtime's private copies of artifacts (its deployer's content-addressed store). */
    private Path artifactStore() {
        for (Bundle b : context.getBundles()) {
            if ("valor.runtime".equals(b.getSymbolicName())) {
                return b.getBundleContext().getDataFile("artifacts").toPath();
            }
        }
        throw new AssertionError("no valor.runtime bundle");
    }

    private static String sha256(String content) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
    }

    private void awaitGone(Path file) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(file + " is still in the store", Files.exists(file));
    }

    @Test
    public void shouldKeepACopyOfAnArtifactOnlyWhileAVersionUsesIt() throws Exception {
        String v1 = "/* pruned v1 */ onmessage = () => postMessage({body: 'pruned v1'});";
        String v2 = "/* pruned v2 */ onmessage = () => postMessage({body: 'pruned v2'});";
        Path first = artifactStore().resolve(sha256(v1) + ".js");
        Path second = artifactStore().resolve(sha256(v2) + ".js");
        write("pruned.js", v1);
        awaitBody("/pruned", "pruned v1");
        assertTrue(Files.exists(first));
        write("pruned.js", v2); // a swap: the old version's copy goes once it has drained
        awaitBody("/pruned", "pruned v2");
        awaitGone(first);
        assertTrue(Files.exists(second));
        Files.delete(deploy.resolve("pruned.js"));
        awaitGone(second);
    }

    @Test
    public void shouldLeaveNothingOfAFileRemovedWhileItDeploys() throws Exception {
        for (int i = 0; i < 5; i++) {
            drop(Fixtures.GREETER_V1, "fleeting.jar");
            Thread.sleep(i * 40L); // before, during and after the folder's poll picks it up
            Files.delete(deploy.resolve("fleeting.jar"));
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((registry().plugin("greeter").isPresent() || pluginBundles().size() > 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(
                "no plugin left: " + registry().plugins(),
                registry().plugin("greeter").isEmpty());
        assertEquals("no bundle left", 0, pluginBundles().size());
        awaitStatus("/greeter", 404);
        drop(Fixtures.GREETER_V2, "greeter.jar"); // and the folder still works
        awaitBody("/greeter", "v2:");
    }

    @Test
    public void shouldNotDeployAFileWhileItIsStillBeingWritten() throws Exception {
        byte[] jar = Files.readAllBytes(fixtures.resolve(Fixtures.GREETER_V2));
        Path target = deploy.resolve("slow.jar");
        try (OutputStream out = Files.newOutputStream(target)) {
            // Pauses longer than the folder's poll: it sees the half-written file stand still.
            for (int i = 0; i < jar.length; i += 1024) {
                out.write(jar, i, Math.min(1024, jar.length - i));
                out.flush();
                Thread.sleep(120);
            }
        }
        awaitBody("/greeter", "v2:");
        assertEquals("", awaitInfo("greeter", i -> i.version().equals("2.0.0")).reason());
    }

    @Test
    public void shouldDeployAndRemoveEveryFileOfABatchDroppedAtOnce() throws Exception {
        // Past 512 events at once the JDK's watch service drops them (OVERFLOW): the folder check catches up.
        byte[] module = Files.readAllBytes(fixtures.resolve("reactor-hello.wasm"));
        int files = 400; // a write and a rename each: 800 events
        for (int i = 0; i < files; i++) {
            Path temp = deploy.resolve(".b" + i + ".wasm.part");
            Files.write(temp, module);
            Files.move(temp, deploy.resolve("b" + i + ".wasm"), StandardCopyOption.ATOMIC_MOVE);
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        long serving = 0;
        while (System.nanoTime() < deadline
                && (serving = registry().plugins().stream()
                                .filter(p -> p.name().matches("b\\d+") && p.state() == PluginState.ACTIVE)
                                .count())
                        < files) {
            Thread.sleep(100);
        }
        assertEquals(files, serving);
        assertEquals(200, get("/b0").statusCode());
        assertEquals(200, get("/b" + (files - 1)).statusCode());
        for (int i = 0; i < files; i++) {
            Files.delete(deploy.resolve("b" + i + ".wasm"));
        }
        while (System.nanoTime() < deadline
                && registry().plugins().stream().anyMatch(p -> p.name().matches("b\\d+"))) {
            Thread.sleep(100);
        }
        assertEquals(
                List.of(),
                registry().plugins().stream()
                        .map(p -> p.name())
                        .filter(n -> n.matches("b\\d+"))
                        .toList());
    }
}
