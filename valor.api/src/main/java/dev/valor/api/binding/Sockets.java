package dev.valor.api.binding;

import dev.valor.api.Vlugin;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** One plugin version's linked sockets; close it when that version stops. */
@ProviderType
public interface Sockets extends AutoCloseable {

    /** The sockets the plugin declared, by binding; a binding not declared has none. */
    Map<Binding, Socket> all();

    /** The socket for a declared binding, or {@code null}: an undeclared binding is unreachable. */
    default Socket socket(Binding binding) {
        return all().get(binding);
    }

    /**
     * The mandatory sockets without a provider, as {@code markdown@1 (exactly-one)}: while this is not
     * empty the plugin is not active and answers 503.
     */
    List<String> missing();

    /**
     * The plugin's Vlugin as it is to be registered: while {@link #missing()} is not empty it answers
     * 503 naming the missing bindings, and passes requests on once they are provided.
     */
    Vlugin guard(Vlugin plugin);

    @Override
    void close();
}
