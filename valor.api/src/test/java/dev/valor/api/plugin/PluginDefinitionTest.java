package dev.valor.api.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PluginDefinitionTest {

    @Test
    void shouldDefaultThePrefixToTheName() {
        assertEquals("hello_alice", new PluginDefinition("hello_alice", null, PluginType.NATIVE, "with_state", "\"Alice\"").prefix());
    }

    @Test
    void shouldNormalizeSlashesAroundThePrefix() {
        assertEquals("api/v1", new PluginDefinition("x", "/api/v1/", PluginType.NATIVE, "x", null).prefix());
    }

    @Test
    void shouldRejectBadNamesAndPrefixes() {
        assertThrows(IllegalArgumentException.class, () -> new PluginDefinition("a b", null, PluginType.NATIVE, "x", null));
        assertThrows(IllegalArgumentException.class, () -> new PluginDefinition("a", "x//y", PluginType.NATIVE, "x", null));
        assertThrows(IllegalArgumentException.class, () -> new PluginDefinition("a", "../etc", PluginType.NATIVE, "x", null));
        assertThrows(IllegalArgumentException.class, () -> new PluginDefinition("a", "./api", PluginType.NATIVE, "x", null));
        assertThrows(IllegalArgumentException.class, () -> new PluginDefinition("a", "api/.", PluginType.NATIVE, "x", null));
        assertThrows(IllegalArgumentException.class, () -> new PluginDefinition("a", "a?b", PluginType.NATIVE, "x", null));
        assertThrows(IllegalArgumentException.class, () -> new PluginDefinition("a", null, PluginType.NATIVE, " ", null));
    }

    @Test
    void shouldReservePrefixesStartingWithUnderscoreForTheRuntime() {
        assertThrows(IllegalArgumentException.class, () -> new PluginDefinition("_plugins", null, PluginType.NATIVE, "x", null));
        assertThrows(IllegalArgumentException.class, () -> new PluginDefinition("x", "_health", PluginType.NATIVE, "x", null));
        assertEquals("a/_b", new PluginDefinition("x", "a/_b", PluginType.NATIVE, "x", null).prefix());
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
