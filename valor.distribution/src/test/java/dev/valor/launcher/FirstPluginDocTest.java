package dev.valor.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/first-plugin.md shows the starters as {@code valor new KIND greet} makes them, each snippet whole. */
class FirstPluginDocTest {

    private static final Path STARTERS = Paths.get("src/starters");
    private static final Pattern SNIPPET =
            Pattern.compile("<!-- starter: (\\S+) -->\\n```\\w*\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everySnippetIsTheStarterFileItNames() throws Exception {
        String doc = Files.readString(Paths.get("../docs/first-plugin.md"));
        Map<String, String> values = Starter.values("greet", Paths.get("/opt/valor"));
        Matcher m = SNIPPET.matcher(doc);
        int snippets = 0;
        while (m.find()) {
            String file = Starter.fill(Files.readString(STARTERS.resolve(m.group(1))), values);
            assertEquals(file, m.group(2), m.group(1) + " as docs/first-plugin.md shows it");
            snippets++;
        }
        for (String kind : Starter.KINDS.keySet()) {
            assertTrue(doc.contains("valor new " + kind + " greet"), "the page shows the " + kind + " starter");
        }
        assertTrue(snippets >= Starter.KINDS.size(), "a snippet for each kind: " + snippets);
    }
}
