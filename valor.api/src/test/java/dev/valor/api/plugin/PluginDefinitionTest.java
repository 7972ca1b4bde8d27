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
        assertThrows(IllegalArgumentException.class, () -> new PluginDefinition("a", "a?b", PluginType.NATIVE, "x", null));
        assertThrows(IllegalArgumentException.class, () -> new PluginDefinition("a", null, PluginType.NATIVE, " ", null));
    }

    @Test
    void shouldAcceptBundleAsAnAliasOfNative() {
        assertEquals(PluginType.NATIVE, PluginType.parse("bundle"));
        assertEquals(PluginType.NATIVE, PluginType.parse("native"));
        assertThrows(IllegalArgumentException.class, () -> PluginType.parse("python"));
    }
}
