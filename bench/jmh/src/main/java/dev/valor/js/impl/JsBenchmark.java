package dev.valor.js.impl;

import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.sandbox.internal.log.PluginLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.Source;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

/**
 * What one JavaScript request costs outside the network and the pool: the message into a
 * worker's context, the plugin's handler, the answer out (in the package of {@link JsWorker},
 * which is not API). Interpreted on JDK 17-24; compiled where bin/valor's JDK 25 set is used.
 *
 * <pre>
 * mvn -Pbench -pl bench/jmh -am package -DskipTests -q
 * java -cp "bench/jmh/target/benchmarks.jar:valor.distribution/target/valor/lib/graaljs/*" \
 *     org.openjdk.jmh.Main JsBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class JsBenchmark {

    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Param("valor.distribution/target/valor/plugins")
    public String plugins;

    private Engine engine;
    private ScheduledExecutorService timer;
    private JsWorker worker;
    private JsWorker module;
    private Request request;

    @Setup
    public void setUp() throws IOException {
        engine = Engine.newBuilder("js")
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        timer = Executors.newSingleThreadScheduledExecutor();
        Source bootstrap;
        bootstrap = Source.newBuilder("js", Bootstrap.source(), Bootstrap.NAME)
                .cached(true)
                .build();
        worker = worker(bootstrap, "hello.js", JsSettings.Style.WORKER);
        module = worker(bootstrap, "handler.mjs", JsSettings.Style.MODULE);
        request = Request.builder("GET", "/")
                .headers(Headers.of("host", "localhost", "user-agent", "wrk"))
                .build();
    }

    private JsWorker worker(Source bootstrap, String file, JsSettings.Style style) throws IOException {
        Source.Builder source = Source.newBuilder("js", Files.readString(Path.of(plugins, file)), file)
                .cached(true);
        if (style == JsSettings.Style.MODULE) {
            source.mimeType("application/javascript+module");
        }
        return new JsWorker(
                engine,
                bootstrap,
                new JsProgram(source.buildLiteral(), style),
                "bench",
                null,
                new PluginLog(LoggerFactory.getLogger("bench"), "bench"),
                null,
                10_000,
                timer,
                List.of(),
                null);
    }

    @TearDown
    public void tearDown() {
        worker.close();
        module.close();
        timer.shutdownNow();
        engine.close();
    }

    /** hello.js, worker style: onmessage in, postMessage out. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Response workerHello() throws Exception {
        return worker.handle(request, "http://localhost/hello_js", System.nanoTime() + DEADLINE_NANOS);
    }

    /** handler.mjs, module style: a Request in, an async fetch(), Response.json out. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Response moduleJson() throws Exception {
        return module.handle(request, "http://localhost/handler_js/p", System.nanoTime() + DEADLINE_NANOS);
    }
}
