package dev.valor.runtime.impl.fleet;

import dev.valor.api.plugin.PluginException;
import dev.valor.runtime.impl.deploy.PluginConflict;
import dev.valor.runtime.impl.state.Sha;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The fleet's plugin set in Redis (docs/fleet.md): a hash of entries by plugin name, each artifact
 * once under its SHA-256 (counted, deleted with its last user), and a stream that logs every
 * change. A change is one Lua script, so the set, the artifact and the log entry are written
 * together or not at all.
 */
final class FleetStore implements AutoCloseable {

    private static final String KEYS = "valor:fleet:";
    private static final String ID = KEYS + "id";
    private static final String SET = KEYS + "plugins";
    private static final String REFS = KEYS + "refs";
    private static final String LOG = KEYS + "log";
    private static final String ARTIFACT = KEYS + "artifact:";
    /** The log keeps about this many changes: a node away for longer takes the whole set again. */
    private static final String LOG_LENGTH = "10000";

    private static final Script PUT = Script.load("put.lua");
    private static final Script REMOVE = Script.load("remove.lua");

    private final String where;
    private final HostAndPort address;
    private final JedisClientConfig config;
    private final JedisClientConfig following;
    private final JedisPool pool;

    /** A change in the log: its id and the plugin it changed. */
    record Change(StreamEntryID id, String name) {}

    /** The whole set as of one point of the log. */
    record Snapshot(String fleetId, StreamEntryID at, Map<String, String> entries) {}

    FleetStore(String url, int timeoutMs, int blockMs) {
        URI uri = URI.create(url);
        if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("the fleet is redis://HOST:PORT/DB, not " + url);
        }
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        String path = uri.getPath() == null ? "" : uri.getPath().replace("/", "");
        int db;
        try {
            db = path.isEmpty() ? 0 : Integer.parseInt(path);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the database of " + url + " is a number, not " + path);
        }
        where = "redis://" + uri.getHost() + ":" + port + "/" + db; // without a password
        address = new HostAndPort(uri.getHost(), port);
        config = clientConfig(uri, db, timeoutMs, "valor-fleet");
        following = clientConfig(uri, db, blockMs + timeoutMs, "valor-fleet-follow");
        JedisPoolConfig poolConfig = new JedisPoolConfig();
        poolConfig.setMaxTotal(8);
        poolConfig.setMaxIdle(8);
        poolConfig.setMinIdle(0);
        poolConfig.setJmxEnabled(false);
        pool = new JedisPool(poolConfig, address, config);
    }

    private static JedisClientConfig clientConfig(URI uri, int db, int timeoutMs, String name) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(Math.min(timeoutMs, 1000))
                .socketTimeoutMillis(timeoutMs)
                .database(db)
                .autoNegotiateProtocol(false) // RESP2, which every Redis 2.6+ speaks: no warning at each connect
                .clientName(name);
        String userInfo = uri.getUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon > 0) {
                b.user(userInfo.substring(0, colon));
            }
            b.password(colon >= 0 ? userInfo.substring(colon + 1) : userInfo);
        }
        return b.build();
    }

    /** Where the fleet is, without credentials: what logs and the registry show. */
    String where() {
        return where;
    }

    void ping() throws FleetUnavailable {
        call(c -> c.ping());
    }

    /** The set and the log's last id, read together; a fleet without an id is given one. */
    Snapshot snapshot() throws FleetUnavailable {
        return call(c -> {
            c.setnx(ID, UUID.randomUUID().toString());
            Transaction t = c.multi();
            Response<String> id = t.get(ID);
            Response<List<StreamEntry>> last = t.xrevrange(LOG, "+", "-", 1);
            Response<Map<String, String>> all = t.hgetAll(SET);
            t.exec();
            List<StreamEntry> newest = last.get();
            return new Snapshot(
                    id.get(),
                    newest.isEmpty() ? new StreamEntryID(0, 0) : newest.get(0).getID(),
                    all.get());
        });
    }

    /** One plugin's entry, or null when the set has none. */
    String entry(String name) throws FleetUnavailable {
        return call(c -> c.hget(SET, name));
    }

    byte[] artifact(String sha256) throws FleetUnavailable {
        return call(c -> c.get((ARTIFACT + sha256).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Writes a plugin's entry and artifact and logs it; {@code create} refuses a name the set has
     * ({@link PluginConflict}). Returns once Redis has it: the acknowledgement.
     */
    void put(String name, String entry, String sha256, byte[] artifact, boolean create) throws PluginException {
        try {
            run(
                    PUT,
                    List.of(
                            bytes(name),
                            bytes(entry),
                            bytes(sha256),
                            artifact,
                            bytes(create ? "create" : "replace"),
                            bytes(ARTIFACT),
                            bytes(LOG_LENGTH)));
        } catch (Refused e) {
            if (e.getMessage().startsWith("EXISTS ")) {
                throw new PluginConflict(e.getMessage().substring("EXISTS ".length()));
            }
            throw new PluginException("the fleet refused the change: " + e.getMessage());
        }
    }

    /** Takes a plugin out of the set and logs it; false if the set had none of that name. */
    boolean remove(String name) throws PluginException {
        try {
            return run(REMOVE, List.of(bytes(name), bytes(ARTIFACT), bytes(LOG_LENGTH))) != null;
        } catch (Refused e) {
            throw new PluginException("the fleet refused the change: " + e.getMessage());
        }
    }

    /** A connection of its own for following the log: it blocks in XREAD. */
    Jedis follower() {
        return new Jedis(address, following);
    }

    /** Changes after {@code after}, waiting up to {@code blockMs} for one; empty if none came. */
    static List<Change> changes(Jedis follower, StreamEntryID after, int blockMs) {
        List<Change> changes = new ArrayList<>();
        List<Map.Entry<String, List<StreamEntry>>> read =
                follower.xread(XReadParams.xReadParams().count(100).block(blockMs), Map.of(LOG, after));
        if (read != null) {
            for (Map.Entry<String, List<StreamEntry>> stream : read) {
                for (StreamEntry e : stream.getValue()) {
                    changes.add(new Change(e.getID(), e.getFields().get("name")));
                }
            }
        }
        return changes;
    }

    /** A script error the server answered: the change was not made. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private <T> T call(Function<Jedis, T> work) throws FleetUnavailable {
        try (Jedis c = pool.getResource()) {
            return work.apply(c);
        } catch (JedisConnectionException e) {
            throw unavailable(e);
        } catch (JedisException e) {
            throw new FleetUnavailable("the fleet's Redis at " + where + " failed: " + e.getMessage());
        }
    }

    /** Runs a change script on the set's keys, sent whole once when the server does not know it. */
    private Object run(Script script, List<byte[]> args) throws FleetUnavailable, Refused {
        List<byte[]> keys = List.of(bytes(SET), bytes(REFS), bytes(LOG));
        try (Jedis c = pool.getResource()) {
            try {
                return c.evalsha(script.sha1(), keys, args);
            } catch (JedisDataException e) {
                if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) {
                    throw e;
                }
                return c.eval(script.source(), keys, args);
            }
        } catch (JedisDataException e) {
            String message = String.valueOf(e.getMessage());
            if (message.startsWith("EXISTS ")) {
                throw new Refused(message);
            }
            // READONLY (a replica after a failover), LOADING, OOM, NOAUTH...: Redis cannot take it now.
            throw new FleetUnavailable("the fleet's Redis at " + where + " did not take the change: " + message);
        } catch (JedisConnectionException e) {
            throw unavailable(e);
        } catch (JedisException e) {
            throw new FleetUnavailable("the fleet's Redis at " + where + " failed: " + e.getMessage());
        }
    }

    private record Script(byte[] source, byte[] sha1) {
        static Script load(String resource) {
            try (InputStream in = FleetStore.class.getResourceAsStream(resource)) {
                byte[] source = in.readAllBytes();
                return new Script(source, bytes(Sha.hex("SHA-1", source)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    FleetUnavailable unavailable(Throwable e) {
        return new FleetUnavailable("the fleet's Redis at " + where + " is unreachable (" + rootCause(e) + ")");
    }

    static String rootCause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    @Override
    public void close() {
        pool.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
