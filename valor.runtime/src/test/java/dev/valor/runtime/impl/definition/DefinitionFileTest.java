package dev.valor.runtime.impl.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginType;
import java.util.Hashtable;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefinitionFileTest {

    @Test
    void shouldReadTheOriginalRuntimesFormat() throws Exception {
        List<DefinitionFile.Entry> entries = DefinitionFile.parse(
                "p.json",
                "{\"plugins\": ["
                        + "{\"name\": \"hello_alice\", \"prefix\": \"optional\", \"type\": \"native\", \"path\": \"with_state\", \"config\": \"Alice\"},"
                        + "{\"name\": \"hello\", \"type\": \"bundle\", \"path\": \"hello\"}]}");
        PluginDefinition alice = entries.get(0).definition();
        assertEquals("hello_alice", alice.name());
        assertEquals("optional", alice.prefix());
        assertEquals(PluginType.NATIVE, alice.type());
        assertEquals("with_state", alice.path());
        assertEquals("\"Alice\"", alice.configJson());
        assertEquals("hello", entries.get(1).definition().prefix());
        assertNull(entries.get(1).definition().configJson());
    }

    @Test
    void shouldRefuseAKeyGivenTwiceAndANumberWhereTextBelongs() throws Exception {
        DefinitionFile.FileException twice = assertThrows(
                DefinitionFile.FileException.class,
                () -> DefinitionFile.parse(
                        "p.json", "{\"plugins\": [{\"name\": \"a\", \"path\": \"a\", \"path\": \"b\"}]}"));
        assertTrue(twice.getMessage().contains("Duplicate field 'path'"), twice.getMessage());
        DefinitionFile.Entry number = DefinitionFile.parse(
                        "p.json", "{\"plugins\": [{\"name\": \"a\", \"prefix\": 12345, \"path\": \"a\"}]}")
                .get(0);
        assertEquals("\"prefix\" must be a string", number.error());
    }

    @Test
    void shouldRefuseAKeyItDoesNotKnowNamingTheOneMeant() throws Exception {
        List<DefinitionFile.Entry> entries = DefinitionFile.parse(
                "t",
                "{\"plugins\": ["
                        + "{\"name\": \"a\", \"path\": \"a.js\", \"timeout_ms\": 1000},"
                        + "{\"name\": \"b\", \"path\": \"b.js\", \"capabilites\": {}},"
                        + "{\"name\": \"c\", \"path\": \"c.js\", \"limits\": {\"timeout\": 5}},"
                        + "{\"name\": \"d\", \"path\": \"d.js\", \"limits\": {\"speed\": 5}},"
                        + "{\"name\": \"e\", \"path\": \"e.js\", \"colour\": \"red\"},"
                        + "{\"name\": \"f\", \"path\": \"f.js\", \"x-owner\": \"team\","
                        + " \"limits\": {\"timeout_ms\": 5, \"x-note\": \"ok\"},"
                        + " \"capabilities\": {\"kv\": [\"default\"], \"env\": {\"ANY_NAME\": \"x\"}}}"
                        + "]}");
        assertEquals(
                "unknown key \"timeout_ms\": did you mean \"limits.timeout_ms\"?",
                entries.get(0).error());
        assertEquals(
                "unknown key \"capabilites\": did you mean \"capabilities\"?",
                entries.get(1).error());
        assertEquals(
                "unknown key \"limits.timeout\": did you mean \"limits.timeout_ms\"?",
                entries.get(2).error());
        assertEquals(
                "unknown key \"limits.speed\" (limits takes instances, memory_mb, timeout_ms)",
                entries.get(3).error());
        assertEquals(
                "unknown key \"colour\" (keys starting with x- are free for tools)",
                entries.get(4).error());
        assertTrue(entries.get(5).ok(), entries.get(5).error());
    }

    @Test
    void shouldReportEachBadEntryAndKeepTheOthers() throws Exception {
        List<DefinitionFile.Entry> entries = DefinitionFile.parse(
                "p.json",
                "{\"plugins\": ["
                        + "{\"name\": \"a\", \"path\": \"a\"},"
                        + "{\"name\": \"a\", \"path\": \"b\"},"
                        + "{\"name\": \"c\", \"prefix\": \"a\", \"path\": \"c\"},"
                        + "{\"path\": \"d\"},"
                        + "{\"name\": \"e\", \"type\": \"cobol\", \"path\": \"e\"},"
                        + "42,"
                        + "{\"name\": \"f\", \"path\": \"f.wasm\"}]}");
        assertTrue(entries.get(0).ok());
        assertEquals(
                "duplicate name 'a' (already defined by entry 1)",
                entries.get(1).error());
        assertEquals(
                "duplicate prefix 'a' (already claimed by entry 1)",
                entries.get(2).error());
        assertEquals("c", entries.get(2).definition().name());
        assertTrue(entries.get(3).error().contains("invalid plugin name"));
        assertTrue(entries.get(4).error().contains("unknown plugin type 'cobol'"));
        assertEquals("expected an object", entries.get(5).error());
        assertEquals(PluginType.WASM, entries.get(6).definition().type());
        assertEquals("entry 2 (a)", entries.get(1).label());
    }

    @Test
    void shouldNotLetARefusedDuplicateClaimAPrefix() throws Exception {
        List<DefinitionFile.Entry> entries = DefinitionFile.parse(
                "p.json",
                "{\"plugins\": ["
                        + "{\"name\": \"a\", \"path\": \"a\"},"
                        + "{\"name\": \"a\", \"prefix\": \"free\", \"path\": \"a\"},"
                        + "{\"name\": \"b\", \"prefix\": \"free\", \"path\": \"b\"}]}");
        assertFalse(entries.get(1).ok());
        assertTrue(entries.get(2).ok(), String.valueOf(entries.get(2).error()));
    }

    @Test
    void shouldRejectAFileThatIsNotJsonWithItsPosition() {
        DefinitionFile.FileException e = assertThrows(
                DefinitionFile.FileException.class,
                () -> DefinitionFile.parse("p.json", "{\"plugins\": [\n{\"name\": }]}"));
        assertTrue(e.getMessage().startsWith("p.json: not valid JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertThrows(DefinitionFile.FileException.class, () -> DefinitionFile.parse("p.json", "{\"plugin\": []}"));
    }

    @Test
    void shouldFlattenAnObjectConfigIntoComponentProperties() {
        Hashtable<String, Object> props = ConfigProperties.of(
                new PluginDefinition(
                        "x",
                        null,
                        PluginType.NATIVE,
                        "x",
                        "{\"greeting\": \"hi\", \"times\": 3, \"loud\": true, \"nested\": {\"a\": 1}, \"valor.name\": \"evil\"}"));
        assertEquals("x", props.get("valor.name"));
        assertEquals("hi", props.get("greeting"));
        assertEquals(3L, props.get("times"));
        assertEquals(true, props.get("loud"));
        assertFalse(props.containsKey("nested"));
        assertTrue(((String) props.get("valor.config")).startsWith("{"));
    }

    @Test
    void shouldGiveAStringConfigAsPlainText() {
        Hashtable<String, Object> props =
                ConfigProperties.of(new PluginDefinition("x", null, PluginType.NATIVE, "x", "\"Alice\""));
        assertEquals("Alice", props.get("valor.config"));
        assertEquals("\"Alice\"", props.get("valor.config.json"));
    }
}
