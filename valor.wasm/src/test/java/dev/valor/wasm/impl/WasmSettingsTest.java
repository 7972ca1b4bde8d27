package dev.valor.wasm.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.valor.api.plugin.PluginException;
import org.junit.jupiter.api.Test;

class WasmSettingsTest {

    @Test
    void shouldRefuseASettingOnlyJavaScriptHasRatherThanIgnoreIt() {
        // A module reads its whole body before handle: a streamed request would be believed, not given.
        assertEquals(
                "request is not a setting of wasm plugins",
                assertThrows(PluginException.class, () -> WasmSettings.parse("{\"request\": {\"streamed\": true}}"))
                        .getMessage());
        assertEquals(
                "style is not a setting of wasm plugins",
                assertThrows(PluginException.class, () -> WasmSettings.parse("{\"style\": \"module\"}"))
                        .getMessage());
    }
}
