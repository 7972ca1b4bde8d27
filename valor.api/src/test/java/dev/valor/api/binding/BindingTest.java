package dev.valor.api.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BindingTest {

    @Test
    void shouldReadNameAtMajor() {
        Binding b = Binding.parse(" markdown@1 ");
        assertEquals(new Binding("markdown", 1), b);
        assertEquals("markdown@1", b.toString());
    }

    @Test
    void shouldRefuseWhatIsNotABinding() {
        for (String bad : new String[] {"markdown", "markdown@", "markdown@0", "@1", "mark down@1", "a@1.2", "a@x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Binding.parse(bad), bad);
            assertEquals("'" + bad + "' is not a binding: write name@major, e.g. markdown@1", e.getMessage());
        }
    }

    @Test
    void shouldReadCardinalitiesInBothForms() {
        assertEquals(Cardinality.EXACTLY_ONE, Cardinality.parse("exactly-one"));
        assertEquals(Cardinality.AT_MOST_ONE, Cardinality.parse("0..1"));
        assertEquals(Cardinality.AT_LEAST_ONE, Cardinality.parse("AT-LEAST-ONE"));
        assertEquals(Cardinality.ANY, Cardinality.parse("0..n"));
        assertEquals("at-least-one", Cardinality.AT_LEAST_ONE.id());
        assertThrows(IllegalArgumentException.class, () -> Cardinality.parse("many"));
    }

    @Test
    void shouldReadPlugsAndSocketsFromServiceProperties() {
        Map<String, Object> props = Map.of(
                Linker.PLUGS, new String[] {"a@1", "b@2"}, Linker.SOCKETS, new String[] {"c@1=any", "d@3=exactly-one"});
        assertEquals(List.of(new Binding("a", 1), new Binding("b", 2)), Linker.plugs(props));
        assertEquals(
                List.of(
                        Map.entry(new Binding("c", 1), Cardinality.ANY),
                        Map.entry(new Binding("d", 3), Cardinality.EXACTLY_ONE)),
                List.copyOf(Linker.sockets(props).entrySet()));
        assertEquals(List.of(), Linker.plugs(Map.of()));
    }
}
