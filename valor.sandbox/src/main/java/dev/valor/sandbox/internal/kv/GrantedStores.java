package dev.valor.sandbox.internal.kv;

import dev.valor.api.kv.KeyValueException;
import dev.valor.api.kv.KeyValueException.Reason;
import dev.valor.api.kv.KeyValueStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The key-value stores one plugin's definition grants ({@code "capabilities": {"kv": ["default"]}}),
 * followed as their services come and go: a store configured, or back, later is reachable then.
 * What is not granted is unreachable, whatever its name.
 */
public final class GrantedStores implements AutoCloseable {

    private final String plugin;
    private final Set<String> granted;
    private final Map<String, KeyValueStore> present = new ConcurrentHashMap<>();
    private final ServiceTracker<KeyValueStore, KeyValueStore> tracker;

    public GrantedStores(BundleContext context, String plugin, List<String> granted) {
        this.plugin = plugin;
        this.granted = Set.copyOf(granted);
        tracker = new ServiceTracker<>(context, filter(granted), null) {
            @Override
            public KeyValueStore addingService(ServiceReference<KeyValueStore> reference) {
                KeyValueStore store = context.getService(reference);
                if (store != null) {
                    present.put(store.name(), store);
                }
                return store;
            }

            @Override
            public void removedService(ServiceReference<KeyValueStore> reference, KeyValueStore store) {
                present.remove(store.name(), store);
                context.ungetService(reference);
            }
        };
        tracker.open();
    }

    private static Filter filter(List<String> names) {
        String any = names.stream()
                .map(n -> "(" + KeyValueStore.NAME + "=" + escape(n) + ")")
                .collect(Collectors.joining("", "(|", ")"));
        try {
            return FrameworkUtil.createFilter(
                    "(&(" + Constants.OBJECTCLASS + "=" + KeyValueStore.class.getName() + ")" + any + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\")
                .replace("(", "\\(")
                .replace(")", "\\)")
                .replace("*", "\\*");
    }

    /** The names granted, in no order. */
    public Set<String> names() {
        return granted;
    }

    /**
     * The store, if granted and configured.
     *
     * @throws KeyValueException {@link Reason#NOT_GRANTED} or {@link Reason#NO_SUCH_STORE}, saying which
     */
    public KeyValueStore store(String name) {
        if (!granted.contains(name)) {
            throw new KeyValueException(
                    Reason.NOT_GRANTED,
                    "plugin " + plugin + " is not granted the store '" + name + "' (grant it in capabilities.kv)");
        }
        KeyValueStore store = present.get(name);
        if (store == null) {
            throw new KeyValueException(
                    Reason.NO_SUCH_STORE,
                    "no key-value store '" + name + "' is configured (bin/valor --kv " + name + "=URL)");
        }
        return store;
    }

    /**
     * What a store's stage gives, waited for at most {@code timeoutMs}: a backend that does not
     * answer in time is {@link Reason#UNAVAILABLE}, as one that fails for its own reasons.
     */
    public static <T> T await(CompletionStage<T> stage, long timeoutMs) throws InterruptedException {
        CompletableFuture<T> f = stage.toCompletableFuture();
        try {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new KeyValueException(Reason.UNAVAILABLE, "the store did not answer within " + timeoutMs + " ms");
        } catch (ExecutionException e) {
            throw refusal(e.getCause());
        }
    }

    /** A store's failure as the plugin is told it. */
    public static KeyValueException refusal(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof KeyValueException k
                ? k
                : new KeyValueException(Reason.UNAVAILABLE, "the store failed: " + cause, cause);
    }

    @Override
    public void close() {
        tracker.close();
        present.clear();
    }
}
