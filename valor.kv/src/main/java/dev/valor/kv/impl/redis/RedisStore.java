package dev.valor.kv.impl.redis;

import static dev.valor.kv.impl.Immediate.now;

import dev.valor.api.kv.KeyValueException;
import dev.valor.api.kv.KeyValueException.Reason;
import dev.valor.api.kv.KeyValueStore;
import dev.valor.kv.impl.KeyRules;
import dev.valor.kv.impl.StoreUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.LongSupplier;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A store in Redis (docs/kv.md), for state many nodes share. Every operation is one command or one
 * Lua script, so increment and compare-and-swap are atomic on the server whichever node calls. A
 * store's keys share one hash tag, {@code valor:kv:{NAME}:...}: its value keys, a sorted set of its
 * names (for listing in order, which SCAN cannot give) and the byte counts a quota needs.
 *
 * <p>Commands run on the caller's thread over a pool of connections, bounded by a connect and a
 * read timeout: a Redis that is down is a refusal ({@link Reason#UNAVAILABLE}) at once, one that
 * hangs one within the read timeout, and the pool reconnects by itself when Redis is back.
 */
public final class RedisStore implements KeyValueStore, AutoCloseable {

    private static final Set<String> OPTIONS = Set.of("timeout_ms", "connections");

    private final String name;
    private final String backend;
    private final long maxValueBytes;
    private final long quotaBytes;
    private final LongSupplier clock;
    private final JedisPool pool;
    private final byte[] valuePrefix;
    private final byte[] index;
    private final byte[] sizes;
    private final byte[] bytes;
    private final Script put = Script.load("put.lua");
    private final Script delete = Script.load("delete.lua");
    private final Script increment = Script.load("increment.lua");
    private final Script list = Script.load("list.lua");

    private RedisStore(String name, StoreUrl url, LongSupplier clock) {
        this.name = name;
        this.clock = clock;
        this.maxValueBytes = url.maxValueBytes();
        this.quotaBytes = url.quotaBytes();
        URI uri = URI.create("redis:" + url.location());
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("redis:" + url.location() + " names no host (redis://HOST:PORT/DB)");
        }
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        String path = uri.getPath() == null ? "" : uri.getPath().replace("/", "");
        int db;
        try {
            db = path.isEmpty() ? 0 : Integer.parseInt(path);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the database of redis:" + url.location() + " is a number, not " + path);
        }
        int timeoutMs = (int) url.number("timeout_ms", 2000, 1);
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(Math.min(timeoutMs, 1000))
                .socketTimeoutMillis(timeoutMs)
                .database(db)
                .autoNegotiateProtocol(false) // RESP2, which every Redis 2.6+ speaks: no warning at each connect
                .clientName("valor-kv-" + name);
        String userInfo = uri.getUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                if (colon > 0) {
                    config.user(userInfo.substring(0, colon));
                }
                config.password(userInfo.substring(colon + 1));
            } else {
                config.password(userInfo);
            }
        }
        JedisPoolConfig poolConfig = new JedisPoolConfig();
        int connections = (int) url.number("connections", 64, 1);
        poolConfig.setMaxTotal(connections);
        poolConfig.setMaxIdle(connections);
        poolConfig.setMinIdle(0);
        poolConfig.setJmxEnabled(false);
        // A connection broken while Redis was away is found when borrowed, not handed to an operation.
        poolConfig.setTestOnBorrow(false);
        poolConfig.setTestWhileIdle(false);
        this.pool = new JedisPool(poolConfig, new HostAndPort(uri.getHost(), port), config.build());
        // Without the password: what an operator sees in valor:kv.
        this.backend = "redis://" + uri.getHost() + ":" + port + "/" + db;
        String tag = "valor:kv:{" + name + "}:";
        this.valuePrefix = (tag + "v:").getBytes(StandardCharsets.UTF_8);
        this.index = (tag + "index").getBytes(StandardCharsets.UTF_8);
        this.sizes = (tag + "sizes").getBytes(StandardCharsets.UTF_8);
        this.bytes = (tag + "bytes").getBytes(StandardCharsets.UTF_8);
    }

    /** A store on the Redis the URL names; it opens even while Redis is down, and works once it is up. */
    public static RedisStore open(String name, StoreUrl url, LongSupplier clock) {
        url.check(OPTIONS);
        return new RedisStore(name, url, clock);
    }

    @Override
    public String name() {
        return name;
    }

    public String backend() {
        return backend;
    }

    private byte[] valueKey(byte[] key) {
        byte[] k = Arrays.copyOf(valuePrefix, valuePrefix.length + key.length);
        System.arraycopy(key, 0, k, valuePrefix.length, key.length);
        return k;
    }

    @Override
    public CompletionStage<byte[]> get(String key) {
        return now(() -> {
            byte[] k = valueKey(KeyRules.key(key));
            return redis(r -> r.get(k));
        });
    }

    @Override
    public CompletionStage<Void> put(String key, byte[] value, long ttlSeconds) {
        return now(() -> {
            set(KeyRules.key(key), KeyRules.value(value, maxValueBytes), ttlSeconds, "put", null);
            return null;
        });
    }

    @Override
    public CompletionStage<Boolean> compareAndSwap(String key, byte[] expected, byte[] value, long ttlSeconds) {
        return now(() -> set(
                KeyRules.key(key),
                KeyRules.value(value, maxValueBytes),
                ttlSeconds,
                expected == null ? "cas-absent" : "cas",
                expected));
    }

    /** put.lua: 1 set, 0 not (a compare-and-swap that did not match). */
    private boolean set(byte[] k, byte[] v, long ttlSeconds, String mode, byte[] expected) {
        long expires = KeyRules.expiresAt(ttlSeconds, 0); // checks the expiry; Redis keeps the time
        Object r = redis(c -> put.eval(
                c,
                List.of(valueKey(k), index, sizes, bytes),
                List.of(
                        k,
                        v,
                        text(expires == 0 ? 0 : ttlSeconds * 1000),
                        text(quotaBytes),
                        text(k.length + v.length),
                        mode.getBytes(StandardCharsets.US_ASCII),
                        expected == null ? new byte[0] : expected)));
        quota(r);
        return ((Long) r) == 1;
    }

    private void quota(Object reply) {
        if (reply instanceof List<?> l && !l.isEmpty() && "quota".equals(string(l.get(0)))) {
            throw new KeyValueException(
                    Reason.QUOTA_EXCEEDED,
                    "store " + name + " holds " + l.get(1) + " bytes; " + l.get(2) + " more would pass its quota of "
                            + quotaBytes);
        }
    }

    @Override
    public CompletionStage<Boolean> delete(String key) {
        return now(() -> {
            byte[] k = KeyRules.key(key);
            Object r = redis(c -> delete.eval(c, List.of(valueKey(k), index, sizes, bytes), List.of(k)));
            return ((Long) r) == 1;
        });
    }

    @Override
    public CompletionStage<Long> increment(String key, long delta) {
        return now(() -> {
            byte[] k = KeyRules.key(key);
            Object r;
            try {
                r = redis(c -> increment.eval(
                        c,
                        List.of(valueKey(k), index, sizes, bytes),
                        List.of(k, text(delta), text(quotaBytes), text(k.length))));
            } catch (KeyValueException e) {
                if (e.getCause() instanceof JedisDataException d
                        && d.getMessage() != null
                        && d.getMessage().contains("overflow")) {
                    throw new KeyValueException(Reason.NOT_A_NUMBER, "incrementing by " + delta + " overflows");
                }
                throw e;
            }
            if (r instanceof List<?> l && !l.isEmpty() && "nan".equals(string(l.get(0)))) {
                throw new KeyValueException(
                        Reason.NOT_A_NUMBER,
                        "the value is not the decimal text of a 64-bit integer: it cannot be incremented");
            }
            quota(r);
            return (Long) r;
        });
    }

    @Override
    public CompletionStage<Page> list(String prefix, int limit, String cursor) {
        return now(() -> {
            int n = KeyRules.limit(limit);
            KeyRules.Range range = KeyRules.range(prefix, cursor);
            byte[] min = concat('[', range.from());
            byte[] max = range.below() == null ? new byte[] {'+'} : concat('(', range.below());
            Object r = redis(c -> list.eval(c, List.of(index, sizes, bytes), List.of(min, max, text(n), valuePrefix)));
            List<?> flat = (List<?>) r;
            long now = clock.getAsLong();
            List<Key> keys = new ArrayList<>();
            for (int i = 0; i + 1 < flat.size() - 2; i += 2) {
                long pttl = (Long) flat.get(i + 1);
                keys.add(new Key(string(flat.get(i)), pttl < 0 ? 0 : (now + pttl + 999) / 1000));
            }
            boolean more = (Long) flat.get(flat.size() - 2) == 1;
            byte[] last = (byte[]) flat.get(flat.size() - 1);
            return new Page(keys, more && last.length > 0 ? KeyRules.cursor(last) : null);
        });
    }

    @Override
    public CompletionStage<Usage> usage() {
        return now(() -> redis(c -> {
            long keys = c.zcard(index);
            byte[] used = c.get(bytes);
            return new Usage(
                    backend,
                    keys,
                    used == null ? 0 : Long.parseLong(new String(used, StandardCharsets.US_ASCII)),
                    quotaBytes,
                    maxValueBytes);
        }));
    }

    private static byte[] concat(char first, byte[] rest) {
        byte[] b = new byte[rest.length + 1];
        b[0] = (byte) first;
        System.arraycopy(rest, 0, b, 1, rest.length);
        return b;
    }

    private static byte[] text(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    private static String string(Object reply) {
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    /** One connection from the pool for one operation; Redis's failures as the plugin is told them. */
    private <T> T redis(Function<Jedis, T> work) {
        try (Jedis c = pool.getResource()) {
            return work.apply(c);
        } catch (JedisConnectionException e) {
            throw new KeyValueException(
                    Reason.UNAVAILABLE, "store " + name + ": " + backend + " is unavailable (" + cause(e) + ")", e);
        } catch (JedisException e) {
            throw new KeyValueException(
                    Reason.UNAVAILABLE, "store " + name + ": " + backend + ": " + e.getMessage(), e);
        }
    }

    private static String cause(Throwable e) {
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

    /** A Lua script run by its SHA, sent whole once when the server does not know it (a restart, say). */
    private record Script(byte[] source, byte[] sha) {

        static Script load(String resource) {
            try (InputStream in = RedisStore.class.getResourceAsStream(resource)) {
                byte[] source = in.readAllBytes();
                return new Script(source, sha1(source));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static byte[] sha1(byte[] source) {
            try {
                byte[] d = MessageDigest.getInstance("SHA-1").digest(source);
                StringBuilder hex = new StringBuilder();
                for (byte b : d) {
                    hex.append(String.format("%02x", b));
                }
                return hex.toString().getBytes(StandardCharsets.US_ASCII);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        Object eval(Jedis c, List<byte[]> keys, List<byte[]> args) {
            try {
                return c.evalsha(sha, keys, args);
            } catch (JedisDataException e) {
                if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) {
                    throw e;
                }
                return c.eval(source, keys, args);
            }
        }
    }
}
