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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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
 * there when they take their first request.
 */
@Component(immediate = true, service = Stores.class)
public class Stores {

    /** Framework property: {@code NAME=URL} pairs separated by spaces. */
    public static final String STORES = "valor.kv.stores";
    /** Where the runtime keeps its state; {@code default} is {@code kv/default.db} in it. */
    public static final String STATE_DIR = "valor.state.dir";

    public static final String DEFAULT = "default";

    private static final Logger LOG = LoggerFactory.getLogger(Stores.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final long SWEEP_SECONDS = 30;

    private final Map<String, AutoCloseable> open = new LinkedHashMap<>();
    /** The embedded stores, whose expired keys a sweeper removes (Redis expires its own). */
    private final List<SqliteStore> swept = new ArrayList<>();

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private ScheduledExecutorService sweeper;

    @Activate
    void activate(BundleContext context) {
        String state = context.getProperty(STATE_DIR);
        Path base = state != null ? Path.of(state) : context.getDataFile("").toPath();
        Map<String, String> configured = parse(context.getProperty(STORES));
        configured.putIfAbsent(DEFAULT, "file:kv/default.db");
        for (Map.Entry<String, String> e : configured.entrySet()) {
            try {
                StoreUrl url = StoreUrl.parse(e.getValue());
                KeyValueStore store;
                String backend;
                if (url.scheme().equals("file")) {
                    SqliteStore sqlite = SqliteStore.open(e.getKey(), url, base, System::currentTimeMillis);
                    swept.add(sqlite);
                    store = sqlite;
                    backend = sqlite.backend();
                } else {
                    RedisStore redis = RedisStore.open(e.getKey(), url, System::currentTimeMillis);
                    store = redis;
                    backend = redis.backend();
                }
                open.put(e.getKey(), (AutoCloseable) store);
                Hashtable<String, Object> props = new Hashtable<>();
                props.put(KeyValueStore.NAME, e.getKey());
                registrations.add(context.registerService(KeyValueStore.class, store, props));
                LOG.info("Key-value store {} on {}", e.getKey(), backend);
            } catch (Exception | LinkageError failure) {
                // One store that cannot open leaves the others serving; its plugins get "no such store".
                LOG.error("Key-value store {} ({}) did not open: {}", e.getKey(), e.getValue(), failure.getMessage());
            }
        }
        sweeper = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "valor-kv-sweeper");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(
                () -> swept.forEach(SqliteStore::sweep), SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
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
            if (eq < 0 || !NAME.matcher(name).matches()) {
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
        for (AutoCloseable store : open.values()) {
            try {
                store.close();
            } catch (Exception e) {
                LOG.debug("Closing a key-value store failed", e);
            }
        }
        open.clear();
        swept.clear();
    }
}
