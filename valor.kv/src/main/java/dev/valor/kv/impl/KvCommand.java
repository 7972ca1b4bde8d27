package dev.valor.kv.impl;

import dev.valor.api.kv.KeyValueStore;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** The shell's {@code valor:kv}: every store, its backend, what it holds. */
@Component(
        service = KvCommand.class,
        property = {"osgi.command.scope=valor", "osgi.command.function=kv"})
public class KvCommand {

    private final List<KeyValueStore> stores = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addStore(KeyValueStore store) {
        stores.add(store);
    }

    void removeStore(KeyValueStore store) {
        stores.remove(store);
    }

    @Descriptor("lists the key-value stores: backend, keys, bytes, quota")
    public String kv() {
        Map<String, KeyValueStore> byName = new TreeMap<>();
        stores.forEach(s -> byName.put(s.name(), s));
        if (byName.isEmpty()) {
            return "no key-value stores";
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-16s %8s %12s %12s  %s%n", "STORE", "KEYS", "BYTES", "QUOTA", "BACKEND"));
        for (KeyValueStore s : byName.values()) {
            try {
                KeyValueStore.Usage u = s.usage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                out.append(String.format(
                        "%-16s %8d %12d %12s  %s%n",
                        s.name(),
                        u.keys(),
                        u.bytes(),
                        u.quotaBytes() == 0 ? "-" : Long.toString(u.quotaBytes()),
                        u.backend()));
            } catch (Exception e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                out.append(String.format("%-16s unavailable: %s%n", s.name(), cause.getMessage()));
            }
        }
        return out.toString().stripTrailing();
    }
}
