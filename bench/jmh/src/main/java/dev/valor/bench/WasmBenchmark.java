package dev.valor.bench;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.plugin.PluginException;
import dev.valor.sandbox.internal.Deadlines;
import dev.valor.sandbox.internal.outbound.Outbound;
import dev.valor.sandbox.internal.outbound.OutboundPolicy;
import dev.valor.wasm.impl.WasmSettings;
import dev.valor.wasm.impl.abi.ModuleCheck;
import dev.valor.wasm.impl.abi.WasmRuntime;
import dev.valor.wasm.impl.reactor.ReactorPlugin;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * What a wasm plugin costs outside the network: making an instance from the compiled factory
 * (every WAGI request does it), one reactor request through the pool and the deadline thread,
 * and compiling a module.
 *
 * <pre>
 * mvn -Pbench -pl bench/jmh -am package -DskipTests -q
 * java -jar bench/jmh/target/benchmarks.jar -p plugins=valor.distribution/target/valor/plugins
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WasmBenchmark {

    @Param("valor.distribution/target/valor/plugins")
    public String plugins;

    private WasmRuntime wagi;
    private WasmRuntime hello;
    private ReactorPlugin reactor;
    private Deadlines deadlines;
    private byte[] withState;
    private Request request;

    @Setup
    public void setUp() throws IOException, PluginException {
        WasmSettings settings = WasmSettings.parse("{}");
        wagi = runtime(Paths.get(plugins, "wagi_hello.wasm"), settings);
        hello = runtime(Paths.get(plugins, "hello.wasm"), settings);
        deadlines = new Deadlines("wasm", 4L << 20, 5); // as WasmHandler makes it
        reactor = new ReactorPlugin(
                "bench",
                hello,
                settings,
                null,
                deadlines,
                new Outbound(
                        "hello",
                        LoggerFactory.getLogger("valor.wasm"),
                        () -> null,
                        HttpClient.newHttpClient(),
                        new OutboundPolicy(List.of()),
                        64L << 20),
                null);
        withState = Files.readAllBytes(Paths.get(plugins, "with_state.wasm"));
        request = Request.builder("GET", "/").build();
    }

    @TearDown
    public void tearDown() {
        reactor.close();
        deadlines.close();
    }

    private static WasmRuntime runtime(Path file, WasmSettings settings) throws IOException, PluginException {
        WasmModule module = Parser.parse(Files.readAllBytes(file));
        Function<Instance, Machine> machines = MachineFactoryCompiler.compile(module);
        return new WasmRuntime(module, machines, ModuleCheck.memory(module, settings));
    }

    /** A fresh instance of a WAGI module (wasi-libc, 30 KB), with its WASI, from the compiled factory. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Instance instantiateWagi() {
        WasiOptions options = WasiOptions.builder()
                .withStdin(new ByteArrayInputStream(new byte[0]))
                .withStdout(new ByteArrayOutputStream())
                .withArguments(List.of("/x"))
                .build();
        return wagi.instantiate(options, ImportValues.builder());
    }

    /** One request to a pooled reactor instance (C hello), through the deadline thread. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Response reactorRequest() throws Exception {
        return reactor.handle(request).toCompletableFuture().get();
    }

    /** Compiling the C with_state example (28 KB) to JVM bytecode, no cache. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 0)
    @Measurement(iterations = 10)
    public Function<Instance, Machine> compileCold() {
        return MachineFactoryCompiler.compile(Parser.parse(withState));
    }
}
