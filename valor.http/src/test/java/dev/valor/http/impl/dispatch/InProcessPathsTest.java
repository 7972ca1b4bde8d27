package dev.valor.http.impl.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InProcessPathsTest {

    @Test
    void shouldDecodeAndResolveDotSegments() {
        assertEquals("/files/a b", InProcessPaths.normalize("/files/a%20b"));
        assertEquals("/files/b", InProcessPaths.normalize("/files/a/../b"));
        assertEquals("/files/x/", InProcessPaths.normalize("/files/./x/"));
        assertEquals("/a+b", InProcessPaths.normalize("/a+b"));
    }

    @Test
    void shouldRefuseWhatJettyWouldRefuse() {
        assertNull(InProcessPaths.normalize("/files/../../etc/passwd"));
        assertNull(InProcessPaths.normalize("/files/%2e%2e/%2e%2e/etc"));
        assertNull(InProcessPaths.normalize("/files/a%2Fb"));
        assertNull(InProcessPaths.normalize("/files/%0aforged"));
        assertNull(InProcessPaths.normalize("/files/%zz"));
        assertNull(InProcessPaths.normalize("relative"));
        assertNull(InProcessPaths.normalize("/files/a/%2e%2e/b"));
        assertNull(InProcessPaths.normalize("/files/%2E/b"));
        assertEquals("/files/%2e.txt".replace("%2e", "."), InProcessPaths.normalize("/files/%2e.txt"));
    }

    @Test
    void shouldAcceptOnlyTokenMethods() {
        assertTrue(InProcessPaths.isToken("GET"));
        assertTrue(InProcessPaths.isToken("PROPFIND"));
        assertFalse(InProcessPaths.isToken("GET /x"));
        assertFalse(InProcessPaths.isToken("GET\n"));
        assertFalse(InProcessPaths.isToken(""));
        assertFalse(InProcessPaths.isToken("CONNECT"));
    }
}
