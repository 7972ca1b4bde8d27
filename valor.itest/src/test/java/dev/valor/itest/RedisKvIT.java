package dev.valor.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.valor.api.plugin.PluginState;
import dev.valor.itest.fixture.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The key-value contract on Redis: a real {@code redis-server} (Debian's, installed by
 * scripts/setup.sh) on a free loopback port, started by the test, one database per store; and
 * what plugins see while it is down and once it is back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RedisKvIT extends KvContract {

    private static final String PORT = "valor.itest.redis.port";
    /** The server, started once for the container; stopped and started again by the outage test. */
    private static Process redis;

    @Configuration
    public Option[] config() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String base = "redis://127.0.0.1:" + port + "/";
        return OptionUtils.combine(
                valor(Map.of("valor.kv.stores", stores(base + "0", base + "1", base + "2"))),
                systemProperty(PORT).value(Integer.toString(port)),
                systemProperty(Fixtures.DIR).value(Fixtures.build().toString()));
    }

    @Override
    protected String smallBackend() {
        return "redis://127\\.0\\.0\\.1:" + port() + "/1";
    }

    private static int port() {
        return Integer.parseInt(System.getProperty(PORT));
    }

    @Before
    public void redisServes() throws Exception {
        if (redis == null || !redis.isAlive()) {
            startRedis();
        }
    }

    private static synchronized void startRedis() throws Exception {
        redis = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port()),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Process started = redis;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!"+PONG".equals(ping())) {
            if (System.nanoTime() > deadline || !started.isAlive()) {
                fail("redis-server did not start on port " + port() + " (scripts/setup.sh installs it)");
            }
            Thread.sleep(20);
        }
    }

    /** Redis's answer to PING, or null while nothing answers. */
    private static String ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port()), 500);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] b = new byte[7];
            int n = in.read(b);
            return n <= 0 ? null : new String(b, 0, n, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    public void whileRedisIsDownItsPluginsAreRefusedAtOnceAndRecoverWhenItIsBack() throws Exception {
        write("downcount.json", "{\"config\": \"Down\", " + GRANT_DEFAULT + "}");
        drop(dist().resolve("plugins/with_state.wasm"), "downcount.wasm");
        drop(dist().resolve("plugins/hello.js"), "bystander.js");
        awaitInfo("downcount", i -> i.state() == PluginState.ACTIVE);
        awaitInfo("bystander", i -> i.state() == PluginState.ACTIVE);
        assertEquals(200, get("/downcount?who=a").statusCode());
        @SuppressWarnings("unchecked")
        HttpResponse<String>[] recovered = new HttpResponse[1];

        // Three clients call the bystander throughout: Redis going away and coming back is not its business.
        LoadResult load = underLoad("/bystander", r -> r.statusCode() == 200, () -> {
            redis.destroy();
            redis.waitFor();
            long start = System.nanoTime();
            HttpResponse<String> down = get("/downcount?who=a");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(down.body(), 503, down.statusCode());
            assertEquals("the store refused the count (-9)", down.body()); // VALOR_KV_UNAVAILABLE
            assertTrue("refused in " + ms + " ms, not at its 10 s deadline", ms < 2_000);
            startRedis(); // an empty Redis: the count starts again, with no restart of anything
            long deadline = System.nanoTime() + 10_000_000_000L;
            HttpResponse<String> back;
            do {
                back = get("/downcount?who=a");
            } while (back.statusCode() != 200 && System.nanoTime() < deadline);
            assertEquals(back.body(), 200, back.statusCode());
            recovered[0] = back;
        });
        assertTrue(load.bad().toString(), load.bad().isEmpty());
        assertTrue(load.answered() > 0);
        HttpResponse<String> back = recovered[0];
        assertEquals("1", back.headers().firstValue("x-greetings").orElseThrow());
    }
}
