package dev.valor.itest;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.valor.itest.fixture.Fixtures;
import java.nio.file.Path;
import java.util.Map;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The key-value contract on the embedded backend: SQLite files. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KvIT extends KvContract {

    @Configuration
    public Option[] config() {
        Path dir = tempDir("kv");
        return OptionUtils.combine(
                valor(Map.of(
                        "valor.kv.stores",
                        stores(
                                "file:" + dir.resolve("default.db"),
                                "file:" + dir.resolve("small.db"),
                                "file:" + dir.resolve("other.db")))),
                systemProperty(Fixtures.DIR).value(Fixtures.build().toString()));
    }

    @Override
    protected String smallBackend() {
        return "file:\\S*small\\.db";
    }
}
