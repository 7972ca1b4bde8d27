package dev.valor.runtime.impl.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.runtime.impl.definition.DefinitionFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FleetEntryTest {

    private static PluginDefinition definition(String json) {
        DefinitionFile.Entry entry = DefinitionFile.entry(1, DefinitionFile.JSON.valueToTree(parse(json)));
        assertTrue(entry.ok(), entry.error());
        return entry.definition();
    }

    private static Object parse(String json) {
        try {
            return DefinitionFile.JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldGiveEveryNodeTheDefinitionTheNodeThatTookItRuns() throws Exception {
        PluginDefinition registered =
                definition("{\"name\": \"n\", \"path\": \"/home/op/n.wasm\", \"config\": {\"a\": 1},"
                        + " \"limits\": {\"timeout_ms\": 50}, \"capabilities\": {\"kv\": [\"default\"]}}");
        FleetEntry taken = FleetEntry.of(registered, "ab".repeat(32), "n.wasm");
        Path copies = Path.of("/var/valor/fleet");
        PluginDefinition here = taken.definition(taken.copyIn(copies));

        FleetEntry read = FleetEntry.parse(taken.json());
        PluginDefinition there = read.definition(read.copyIn(copies));

        // Equal definitions and content: the node that took it sees its own change and does not swap again.
        assertEquals(here, there);
        assertEquals("/var/valor/fleet/" + "ab".repeat(32) + "/n.wasm", there.path());
        assertEquals(registered.configJson(), there.configJson());
        assertEquals(registered.settingsJson(), there.settingsJson());
        assertFalse(taken.json().contains("/home/op"), "the operator's path stays on the operator's machine");
    }

    @Test
    void shouldKeepACopyUnderItsHashWhateverTheFileIsCalled() {
        PluginDefinition def = definition("{\"name\": \"n\", \"path\": \"x.js\"}");
        Path copies = Path.of("/c");
        String sha = "cd".repeat(32);
        assertEquals(
                Path.of("/c", sha, "passwd.js"),
                FleetEntry.of(def, sha, "../../etc/passwd.js").copyIn(copies));
        assertEquals(
                Path.of("/c", sha, "_.hidden.js"),
                FleetEntry.of(def, sha, ".hidden.js").copyIn(copies));
        assertEquals(
                Path.of("/c", sha, "a_b.js"), FleetEntry.of(def, sha, "a b.js").copyIn(copies));
    }

    @Test
    void shouldRefuseAnEntryItCannotRead() {
        assertThrows(PluginException.class, () -> FleetEntry.parse("{\"definition\": {}, \"sha256\": \"x\"}"));
        assertThrows(PluginException.class, () -> FleetEntry.parse("not json"));
    }
}
