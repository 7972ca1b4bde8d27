package __PACKAGE__;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.valor.api.Request;
import dev.valor.api.Response;
import org.junit.jupiter.api.Test;

/** The plugin called as the runtime calls it: a request in, a response out. */
class PluginTest {

    private static Response call(String path, String query) throws Exception {
        Request request = Request.builder("GET", path).rawQuery(query).build();
        return new Plugin().handle(request).toCompletableFuture().get();
    }

    @Test
    void greetsWhoTheQueryNames() throws Exception {
        Response response = call("/", "who=Ann");
        assertEquals(200, response.status());
        assertEquals("Hello, Ann!", response.bodyText());
    }

    @Test
    void greetsTheWorldByDefault() throws Exception {
        assertEquals("Hello, world!", call("/", "").bodyText());
    }
}
