package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.valor.api.plugin.PluginInfo;
import dev.valor.api.plugin.PluginState;
import dev.valor.itest.fixture.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Java plugins whose start never returns (a bundle activator, a component's activate): each fails
 * at the start deadline and the deployer goes on. Their bundles stay behind, inert, so they get a
 * container of their own.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HangingPluginsIT extends DeployFolderSupport {

    /** The folder holds a plugin that hangs in activate() before the runtime starts, beside a good one. */
    @Configuration
    public Option[] config() throws IOException {
        Path fixtures = Fixtures.build();
        Path folder = tempDir("deploy");
        Files.copy(fixtures.resolve(Fixtures.HANGING), folder.resolve("boot_hang.jar"));
        Files.copy(fixtures.resolve(Fixtures.GREETER_V1), folder.resolve("greeter.jar"));
        return OptionUtils.combine(
                valor(Map.of(
                        "valor.start.timeout.ms",
                        "3000",
                        "valor.deploy.dir",
                        folder.toString(),
                        "felix.fileinstall.dir",
                        folder.toString())),
                systemProperty(Fixtures.DIR).value(fixtures.toString()));
    }

    @Test
    public void shouldFinishStartingWithAPluginThatHangsInTheFolder() throws Exception {
        // awaitReady() (before each test) passed: the start-up deploys finished.
        assertEquals("v1:", get("/greeter").body());
        PluginInfo hanging = awaitInfo("boot_hang", i -> i.state() == PluginState.FAILED);
        assertTrue(hanging.reason(), hanging.reason().contains("within 3000 ms"));
    }

    @Test
    public void shouldFailAPluginWhoseStartHangsAndGoOnDeploying() throws Exception {
        drop(Fixtures.HANGING, "hanging.jar");
        drop(Fixtures.STUCK_ACTIVATOR, "stuck.jar");
        PluginInfo hanging = awaitInfo("hanging", i -> i.state() == PluginState.FAILED);
        assertTrue(
                hanging.reason(),
                hanging.reason().contains("did not start within 3000 ms")
                        || hanging.reason().contains("did not activate within 3000 ms"));
        PluginInfo stuck = awaitInfo("stuck", i -> i.state() == PluginState.FAILED);
        assertTrue(
                stuck.reason(), stuck.reason().startsWith("bundle fixture.stuck 1.0.0 did not start within 3000 ms"));
        write("after_hang.json", "{\"name\": \"after_hang\"}");
        drop(Fixtures.GREETER_V2, "after_hang.jar");
        awaitBody("/after_hang", "v2:");
        assertTrue(((String) shell("valor:list")).contains("after_hang"));
        assertTrue(deploy.resolve("hanging.jar").toFile().delete());
        assertTrue(deploy.resolve("stuck.jar").toFile().delete());
        awaitInfoGone("hanging");
        awaitInfoGone("stuck");
        assertEquals("v2:", get("/after_hang").body());
    }

    private void awaitInfoGone(String name) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (registry().plugin(name).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(name + " is gone", registry().plugin(name).isEmpty());
    }
}
