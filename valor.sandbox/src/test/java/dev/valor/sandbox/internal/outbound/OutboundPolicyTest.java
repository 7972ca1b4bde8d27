package dev.valor.sandbox.internal.outbound;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one rule both sandboxed kinds follow for a plugin's outbound request. */
class OutboundPolicyTest {

    private static final String ORIGIN = "http://127.0.0.1:8080";

    @ParameterizedTest(name = "{0} granted [{1}]: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                // url                                  | allowed hosts             | where it goes
                "/other/x?y=1                           |                           | in-process /other/x ? y=1",
                "/other                                 | api.example.com           | in-process /other",
                "http://127.0.0.1:8080/other/x?y        |                           | in-process /other/x ? y",
                "http://127.0.0.1:8080/other            | 127.0.0.1                 | remote http://127.0.0.1:8080/other",
                "//evil.example/x                       |                           | in-process //evil.example/x",
                "https://api.example.com/v1             | api.example.com           | remote https://api.example.com/v1",
                "HTTPS://API.EXAMPLE.COM/v1             | api.example.com           | remote HTTPS://API.EXAMPLE.COM/v1",
                "http://api.example.com/v1              | other.example api.example.com | remote http://api.example.com/v1",
                "http://127.0.0.1:8081/other            |                           | REFUSED host 127.0.0.1 is not in capabilities.allowed_hosts",
                "http://127.0.0.1:8080                  |                           | REFUSED host 127.0.0.1 is not in capabilities.allowed_hosts",
                "http://127.0.0.1:8080@evil.example/x   |                           | REFUSED host evil.example is not in capabilities.allowed_hosts",
                "http://127.0.0.1:8080.evil.example/x   | 127.0.0.1                 | REFUSED host  is not in capabilities.allowed_hosts",
                "http://evil.example/x                  | api.example.com           | REFUSED host evil.example is not in capabilities.allowed_hosts",
                "ftp://api.example.com/x                | api.example.com           | REFUSED only http and https URLs may be fetched: ftp://api.example.com/x",
                "file:///etc/passwd                     |                           | REFUSED only http and https URLs may be fetched: file:///etc/passwd",
                "api.example.com/v1                     | api.example.com           | REFUSED only http and https URLs may be fetched: api.example.com/v1",
                "http://api.example.com/a b             | api.example.com           | MALFORMED not a URL: http://api.example.com/a b",
            })
    void sendsEachRequestWhereTheRuleSays(String url, String allowed, String expected) {
        List<String> hosts = allowed == null ? List.of() : Arrays.asList(allowed.split(" "));
        assertEquals(expected, where(new OutboundPolicy(hosts), url));
    }

    @Test
    void takesTheOriginFromTheHostHeaderOrLocalhost() throws Exception {
        assertEquals("http://example.test:9000", OutboundPolicy.originOf("example.test:9000"));
        assertEquals("http://localhost", OutboundPolicy.originOf(null));
        assertEquals(
                new OutboundPolicy.InProcess("/x", ""),
                new OutboundPolicy(List.of()).resolve("http://localhost/x", OutboundPolicy.originOf(null)));
    }

    @Test
    void refusesWhatAClientsHostHeaderWouldTurnInward() {
        // A client sending "Host: api.example.com" must not turn a call to that granted API into an in-process one.
        OutboundPolicy policy = new OutboundPolicy(List.of("api.example.com"));
        OutboundPolicy.Target target = assertDoesNotThrow(
                () -> policy.resolve("http://api.example.com/users", OutboundPolicy.originOf("api.example.com")));
        assertEquals(OutboundPolicy.Remote.class, target.getClass());
        assertThrows(
                OutboundException.class,
                () -> new OutboundPolicy(List.of())
                        .resolve("http://api.example.com/users", OutboundPolicy.originOf("localhost")));
    }

    private static String where(OutboundPolicy policy, String url) {
        try {
            OutboundPolicy.Target target = policy.resolve(url, ORIGIN);
            return target instanceof OutboundPolicy.InProcess in
                    ? "in-process " + in.path() + (in.rawQuery().isEmpty() ? "" : " ? " + in.rawQuery())
                    : "remote " + ((OutboundPolicy.Remote) target).uri();
        } catch (OutboundException e) {
            return e.kind() + " " + e.getMessage();
        }
    }
}
