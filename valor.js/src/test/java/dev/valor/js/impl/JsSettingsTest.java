package dev.valor.js.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.valor.api.plugin.PluginException;
import org.junit.jupiter.api.Test;

class JsSettingsTest {

    @Test
    void shouldRefuseAMemoryBoundPastTheMostAnyPluginMayBeGranted() throws Exception {
        // 1e14 MiB was accepted and overflowed into a bound a 200 MB allocation passed.
        PluginException e =
                assertThrows(PluginException.class, () -> JsSettings.parse("{\"limits\": {\"memory_mb\": 1e14}}"));
        assertEquals("limits.memory_mb must be at most 4096", e.getMessage());
        assertEquals(
                4096L * 1024 * 1024,
                JsSettings.parse("{\"limits\": {\"memory_mb\": 4096}}").memoryBytes());
    }

    @Test
    void shouldReadRequestStreamedAndRefuseWhatIsNotABoolean() throws Exception {
        assertEquals(
                true, JsSettings.parse("{\"request\": {\"streamed\": true}}").streamedRequest());
        assertEquals(false, JsSettings.parse("{}").streamedRequest());
        assertEquals(
                "request.streamed must be true or false",
                assertThrows(PluginException.class, () -> JsSettings.parse("{\"request\": {\"streamed\": \"yes\"}}"))
                        .getMessage());
    }

    @Test
    void shouldRefuseACapabilityOnlyWasmHasRatherThanIgnoreIt() {
        // A script has no file system or environment: granted here, the author would believe it given.
        assertEquals(
                "capabilities.files is not a setting of JavaScript plugins",
                assertThrows(
                                PluginException.class,
                                () -> JsSettings.parse("{\"capabilities\": {\"files\": {\"/data\": \"data\"}}}"))
                        .getMessage());
        assertEquals(
                "abi is not a setting of JavaScript plugins",
                assertThrows(PluginException.class, () -> JsSettings.parse("{\"abi\": \"wagi\"}"))
                        .getMessage());
    }
}
