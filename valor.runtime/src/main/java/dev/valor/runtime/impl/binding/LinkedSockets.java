package dev.valor.runtime.impl.binding;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.binding.Binding;
import dev.valor.api.binding.Cardinality;
import dev.valor.api.binding.Socket;
import dev.valor.api.binding.Sockets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** One plugin version's sockets, linked to whatever provides their bindings at each call. */
final class LinkedSockets implements Sockets {

    private static final AtomicLong SERIALS = new AtomicLong();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String consumer;
    private final Map<Binding, Cardinality> declared;
    private final Map<Binding, Socket> sockets;
    private final BindingLinker linker;
    private final long serial = SERIALS.incrementAndGet();

    LinkedSockets(String consumer, Map<Binding, Cardinality> declared, BindingLinker linker) {
        this.consumer = consumer;
        this.declared = Collections.unmodifiableMap(new LinkedHashMap<>(declared));
        this.linker = linker;
        Map<Binding, Socket> all = new LinkedHashMap<>();
        declared.forEach((b, c) -> all.put(b, new ProviderSocket(b, c, linker)));
        this.sockets = Collections.unmodifiableMap(all);
    }

    String consumer() {
        return consumer;
    }

    long serial() {
        return serial;
    }

    Map<Binding, Cardinality> declared() {
        return declared;
    }

    @Override
    public Map<Binding, Socket> all() {
        return sockets;
    }

    @Override
    public List<String> missing() {
        List<String> missing = null;
        for (Map.Entry<Binding, Cardinality> e : declared.entrySet()) {
            if (e.getValue().mandatory() && linker.plugsOf(e.getKey()).stream().noneMatch(linker::usable)) {
                if (missing == null) {
                    missing = new ArrayList<>(2);
                }
                missing.add(e.getKey() + " (" + e.getValue().id() + ")");
            }
        }
        return missing == null ? List.of() : missing;
    }

    @Override
    public Vlugin guard(Vlugin plugin) {
        if (declared.values().stream().noneMatch(Cardinality::mandatory)) {
            return plugin; // nothing it cannot do without
        }
        return request -> {
            List<String> missing = missing();
            if (missing.isEmpty()) {
                return plugin.handle(request);
            }
            ObjectNode body = JSON.createObjectNode();
            body.put(
                    "error",
                    "plugin '" + consumer + "' is not active: no plugin provides " + String.join(", ", missing));
            body.putArray("missing").addAll(missing.stream().map(body::textNode).toList());
            return CompletableFuture.completedStage(
                    Response.json(503, body.toString().getBytes(StandardCharsets.UTF_8)));
        };
    }

    @Override
    public void close() {
        linker.unlink(this);
    }
}
