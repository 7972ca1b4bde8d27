package dev.valor.kv.impl;

import dev.valor.api.kv.KeyValueStore;
import dev.valor.kv.impl.redis.RedisStore;
import dev.valor.kv.impl.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the stores the operator configured ({@code bin/valor --kv NAME=URL}, the framework property
 * {@value #STORES}) and registers each as a {@link KeyValueStore} service. {@code default} is always
 * there: an embedded file under the runtime's state folder unless configured otherwise. A
 * {@code file:} store is SQLite in this process; a {@code redis://} store is on a Redis server
 * that may be shared by many nodes, and opens even while that server is down.
 *
 * <p>They are registered while this bundle starts, not through Configuration Admin, whose
 * deliveries come later on its own thread: the plugins deployed at start-up find their stores
 * there when they take their first request. Their backends open on a thread of their own
 * ({@link OpeningStore}), off the start's path.
 */
@Component(immediate = true, service = Stores.class)
public class Stores {

    /** Framework property: {@code NAME=URL} pairs separated by spaces. */
    public static final String STORES = "valor.kv.stores";
    /** Where the runtime keeps its state; {@code default} is {@code kv/default.db} in it. */
    public static final String STATE_DIR = "valor.state.dir";

    public static final String DEFAULT = "default";

    private static final Logger LOG = LoggerFactory.getLogger(Stores.class);
    private static final long SWEEP_SECONDS = 30;

    /** Every store's backend, opening or open. */
    private final List<CompletableFuture<KeyValueStore>> backends = new ArrayList<>();
    /** The embedded stores, whose expired keys a sweeper removes (Redis expires its own). */
    private final List<SqliteStore> swept = new CopyOnWriteArrayList<>();

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private ExecutorService opener;
    private ScheduledExecutorService sweeper;

    @Activate
    void activate(BundleContext context) {
        String state = context.getProperty(STATE_DIR);
        Path base = state != null ? Path.of(state) : context.getDataFile("").toPath();
        Map<String, String> configured = parse(context.getProperty(STORES));
        configured.putIfAbsent(DEFAULT, "file:kv/default.db");
        opener = Executors.newSingleThreadExecutor(r -> daemon(r, "valor-kv-open"));
        for (Map.Entry<String, String> e : configured.entrySet()) {
            String name = e.getKey();
            StoreUrl url;
            try {
                url = StoreUrl.parse(e.getValue());
            } catch (IllegalArgumentException failure) {
                // A store that cannot be named leaves the others serving; its plugins get "no such store".
                LOG.error("Key-value store {} ({}) is not configured: {}", name, e.getValue(), failure.getMessage());
                continue;
            }
            CompletableFuture<KeyValueStore> backend =
                    CompletableFuture.supplyAsync(() -> open(name, url, base), opener);
            backend.whenComplete((store, failure) -> {
                if (failure != null) {
                    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                    LOG.error("Key-value store {} ({}) did not open: {}", name, e.getValue(), cause.getMessage());
                } else {
                    LOG.info("Key-value store {} on {}", name, backendOf(store));
                }
            });
            backends.add(backend);
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(KeyValueStore.NAME, name);
            registrations.add(context.registerService(KeyValueStore.class, new OpeningStore(name, backend), props));
        }
        sweeper = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "valor-kv-sweeper"));
        sweeper.scheduleWithFixedDelay(
                () -> swept.forEach(SqliteStore::sweep), SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    private KeyValueStore open(String name, StoreUrl url, Path base) {
        try {
            if (url.scheme().equals("file")) {
                SqliteStore sqlite = SqliteStore.open(name, url, base, System::currentTimeMillis);
                swept.add(sqlite);
                return sqlite;
            }
            return RedisStore.open(name, url, System::currentTimeMillis);
        } catch (Exception | LinkageError e) {
            throw new CompletionException(e);
        }
    }

    private static String backendOf(KeyValueStore store) {
        return store instanceof SqliteStore s ? s.backend() : ((RedisStore) store).backend();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** {@code "a=file:x.db b=redis://h:6379/0"} as an ordered map; a malformed pair is refused whole. */
    static Map<String, String> parse(String property) {
        Map<String, String> stores = new LinkedHashMap<>();
        if (property == null || property.isBlank()) {
            return stores;
        }
        for (String pair : property.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (eq < 0 || !KeyValueStore.NAME_PATTERN.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "'" + pair + "' is not NAME=URL (names: 1 to 64 letters, digits, _ . -)");
            }
            stores.put(name, pair.substring(eq + 1));
        }
        return stores;
    }

    @Deactivate
    void deactivate() {
        sweeper.shutdownNow();
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // gone with the bundle
            }
        }
        registrations.clear();
        opener.shutdown();
        for (CompletableFuture<KeyValueStore> backend : backends) {
            try {
                ((AutoCloseable) backend.get(30, TimeUnit.SECONDS)).close();
            } catch (Exception e) {
                LOG.debug("Closing a key-value store failed", e);
            }
        }
        backends.clear();
        swept.clear();
    }
}
