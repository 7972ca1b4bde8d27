package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** A plugins file that is not JSON is reported with its position; the runtime starts and serves anyway. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadPluginsFileIT extends ValorTestSupport {

    @Configuration
    public Option[] config() throws IOException {
        Path file = Files.createTempDirectory("valor-itest-").resolve("broken-plugins.json");
        Files.writeString(file, "{\"plugins\": [\n  {\"name\": \"hello\", \"path\": \"hello\"\n]}\n");
        return valor(Map.of("valor.plugins.file", file.toString()));
    }

    @Before
    public void ready() throws Exception {
        awaitReady();
    }

    @Test
    public void shouldStartAndReportTheBrokenFileClearly() throws Exception {
        assertEquals(200, get("/_health").statusCode());
        assertEquals(404, get("/hello").statusCode());
        assertEquals(
                "the registry endpoint is off unless enabled",
                404,
                get("/_plugins").statusCode());
        String log = Files.readString(Paths.get(System.getProperty("valor.itest.log")), StandardCharsets.UTF_8);
        assertTrue(
                log,
                log.matches(
                        "(?s).*Plugins file not loaded: \\S*broken-plugins.json: not valid JSON: .* at line 3, column \\d+.*"));
    }
}
