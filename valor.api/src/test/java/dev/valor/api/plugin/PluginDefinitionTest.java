package dev.valor.api.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PluginDefinitionTest {

    @Test
    void shouldDefaultThePrefixToTheName() {
        assertEquals(
                "hello_alice",
                new PluginDefinition("hello_alice", null, PluginType.NATIVE, "with_state", "\"Alice\"").prefix());
    }

    @Test
    void shouldNormalizeSlashesAroundThePrefix() {
        assertEquals("api/v1", new PluginDefinition("x", "/api/v1/", PluginType.NATIVE, "x", null).prefix());
    }

    @Test
    void shouldRejectBadNamesAndPrefixes() {
        assertThrows(
                IllegalArgumentException.class, () -> new PluginDefinition("a b", null, PluginType.NATIVE, "x", null));
        assertThrows(
                IllegalArgumentException.class, () -> new PluginDefinition("a", "x//y", PluginType.NATIVE, "x", null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new PluginDefinition("a", "../etc", PluginType.NATIVE, "x", null));
        assertThrows(
                IllegalArgumentException.class, () -> new PluginDefinition("a", "./api", PluginType.NATIVE, "x", null));
        assertThrows(
                IllegalArgumentException.class, () -> new PluginDefinition("a", "api/.", PluginType.NATIVE, "x", null));
        assertThrows(
                IllegalArgumentException.class, () -> new PluginDefinition("a", "a?b", PluginType.NATIVE, "x", null));
        assertThrows(
                IllegalArgumentException.class, () -> new PluginDefinition("a", null, PluginType.NATIVE, " ", null));
    }

    @Test
    void shouldReservePrefixesStartingWithUnderscoreForTheRuntime() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new PluginDefinition("_plugins", null, PluginType.NATIVE, "x", null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new PluginDefinition("x", "_health", PluginType.NATIVE, "x", null));
        assertEquals("a/_b", new PluginDefinition("x", "a/_b", PluginType.NATIVE, "x", null).prefix());
    }

    @Test
    void shouldReserveNamesStartingWithUnderscoreAsPrefixesAre() {
        for (String name : new String[] {"_health", "_plugins", "_valor", "_x"}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> new PluginDefinition(name, "elsewhere", PluginType.NATIVE, "x", null));
            assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseAPrefixOfTensOfThousandsOfSegmentsWithoutOverflowingTheStack() {
        String deep = "a/".repeat(20_000) + "a";
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new PluginDefinition("deep", deep, PluginType.NATIVE, "x", null));
        assertTrue(
                e.getMessage().length() < 300,
                "the error quotes only the start: " + e.getMessage().length());
        assertThrows(
                IllegalArgumentException.class,
                () -> new PluginDefinition("deep", "a/".repeat(16) + "a", PluginType.NATIVE, "x", null));
        assertEquals(
                16,
                new PluginDefinition("ok", "a/".repeat(15) + "a", PluginType.NATIVE, "x", null)
                        .prefix()
                        .split("/")
                        .length);
        assertThrows(
                IllegalArgumentException.class,
                () -> new PluginDefinition("long", "a".repeat(257), PluginType.NATIVE, "x", null));
    }

    @Test
    void shouldTellTheTypeFromTheFileName() {
        assertEquals(PluginType.NATIVE, PluginType.ofFileName("hello.JAR"));
        assertEquals(PluginType.JS, PluginType.ofFileName("a.mjs"));
        assertEquals(PluginType.WASM, PluginType.ofFileName("x.wasm"));
        assertEquals(null, PluginType.ofFileName("notes.txt"));
        assertEquals(null, PluginType.ofFileName(".jar"));
    }

    @Test
    void shouldAcceptBundleAsAnAliasOfNative() {
        assertEquals(PluginType.NATIVE, PluginType.parse("bundle"));
        assertEquals(PluginType.NATIVE, PluginType.parse("native"));
        assertThrows(IllegalArgumentException.class, () -> PluginType.parse("python"));
    }
}
