package dev.valor.runtime.impl.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.valor.api.binding.Linker;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.api.plugin.PluginType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompositionTest {

    private static Composition of(String name, String settings) throws PluginException {
        return Composition.of(new PluginDefinition(name, null, PluginType.JS, name + ".js", null, settings));
    }

    @Test
    void shouldReadPlugsAndSocketsAndCarryThemAsServiceProperties() throws Exception {
        Composition c = of(
                "page",
                "{\"plugs\": [\"page@1\"], \"sockets\": {\"markdown@1\": \"exactly-one\", \"audit@1\": \"any\"}}");
        Map<String, Object> props = new HashMap<>();
        c.addTo(props);
        assertEquals(c.plugs(), Linker.plugs(props));
        assertEquals(c.sockets(), Linker.sockets(props));
        assertSame(Composition.NONE, of("plain", "{\"limits\": {}}"));
    }

    @Test
    void shouldSayWhatIsWrongInADefinition() {
        assertEquals(
                "plugs: write it as a list of bindings, e.g. [\"markdown@1\"]",
                assertThrows(PluginException.class, () -> of("x", "{\"plugs\": \"markdown@1\"}"))
                        .getMessage());
        assertEquals(
                "sockets: unknown cardinality 'several' (expected exactly-one, at-most-one, at-least-one or any)",
                assertThrows(PluginException.class, () -> of("x", "{\"sockets\": {\"a@1\": \"several\"}}"))
                        .getMessage());
    }

    @Test
    void shouldRefuseACycleNamingEveryStep() throws Exception {
        Map<String, Composition> others = new LinkedHashMap<>();
        others.put("a", of("a", "{\"plugs\": [\"a@1\"], \"sockets\": {\"b@1\": \"any\"}}"));
        others.put("b", of("b", "{\"plugs\": [\"b@1\"], \"sockets\": {\"c@1\": \"exactly-one\"}}"));
        others.put("leaf", of("leaf", "{\"plugs\": [\"c@1\"]}"));
        Composition.refuseCycles("d", of("d", "{\"sockets\": {\"a@1\": \"any\"}}"), others); // a chain is fine
        PluginException e = assertThrows(
                PluginException.class,
                () -> Composition.refuseCycles(
                        "c", of("c", "{\"plugs\": [\"c@1\"], \"sockets\": {\"a@1\": \"any\"}}"), others));
        assertEquals("dependency cycle: c -> a@1 -> a -> b@1 -> b -> c@1 -> c", e.getMessage());
        assertEquals(
                "dependency cycle: s -> s@1 -> s (it plugs into a binding it has a socket for)",
                assertThrows(
                                PluginException.class,
                                () -> of("s", "{\"plugs\": [\"s@1\"], \"sockets\": {\"s@1\": \"any\"}}"))
                        .getMessage());
    }
}
