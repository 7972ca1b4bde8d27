package dev.valor.kv.impl.sqlite;

import static dev.valor.kv.impl.Immediate.now;

import dev.valor.api.kv.KeyValueException;
import dev.valor.api.kv.KeyValueException.Reason;
import dev.valor.api.kv.KeyValueStore;
import dev.valor.kv.impl.KeyRules;
import dev.valor.kv.impl.StoreUrl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.sqlite.SQLiteConfig;

/**
 * A store in one SQLite file, in WAL mode (docs/kv.md). Every write is its own transaction,
 * committed before the stage completes: with {@code sync=normal} (the default) the commit is in the
 * file's log, handed to the operating system, so it survives the process being killed; with
 * {@code sync=full} it is also flushed to the disk, so it survives the machine losing power.
 * Read-modify-writes take SQLite's write lock first ({@code BEGIN IMMEDIATE}), so they are atomic
 * even against another process on the same file. Reads run beside writes, on their own connections.
 */
public final class SqliteStore implements KeyValueStore, AutoCloseable {

    private static final Set<String> OPTIONS = Set.of("sync");
    private static final int READERS = 4;
    /** Expired keys one sweep removes at most: a sweep never holds the write lock for long. */
    private static final int SWEEP_BATCH = 1000;

    private final String name;
    private final Path file;
    private final boolean fullSync;
    private final long maxValueBytes;
    private final long quotaBytes;
    private final LongSupplier clock;
    private final Session writer; // guarded by itself
    private final BlockingQueue<Session> readers = new ArrayBlockingQueue<>(READERS);
    private final List<Connection> all = new ArrayList<>();

    private SqliteStore(String name, Path file, StoreUrl url, LongSupplier clock) throws SQLException {
        this.name = name;
        this.file = file;
        String sync = url.option("sync", "normal");
        if (!sync.equals("normal") && !sync.equals("full")) {
            throw new IllegalArgumentException("sync must be normal or full, not '" + sync + "'");
        }
        this.fullSync = sync.equals("full");
        this.maxValueBytes = url.maxValueBytes();
        this.quotaBytes = url.quotaBytes();
        this.clock = clock;
        writer = connect(false);
        try (Statement s = writer.connection.createStatement()) {
            s.execute("create table if not exists kv (k blob primary key, v blob not null, e integer not null)"
                    + " without rowid");
            s.execute("create index if not exists kv_expiry on kv (e) where e > 0");
            s.execute("create table if not exists meta (name text primary key, n integer not null)");
            if (quotaBytes > 0) {
                // What the keys and values take, recounted now and kept in the transactions that change it.
                s.execute("insert or replace into meta values ('bytes',"
                        + " (select coalesce(sum(length(k) + length(v)), 0) from kv))");
            }
        }
        for (int i = 0; i < READERS; i++) {
            readers.add(connect(true));
        }
    }

    /**
     * Opens (or creates) the store's file.
     *
     * @param base what a relative file name is relative to
     */
    public static SqliteStore open(String name, StoreUrl url, Path base, LongSupplier clock)
            throws SQLException, IOException {
        url.check(OPTIONS);
        Path file = url.file(base);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new SqliteStore(name, file, url, clock);
    }

    /** A connection and its statements, prepared once: preparing costs more than most operations here. */
    private static final class Session {
        final Connection connection;
        private final Map<String, PreparedStatement> statements = new HashMap<>();

        Session(Connection connection) {
            this.connection = connection;
        }

        PreparedStatement prepared(String sql) throws SQLException {
            PreparedStatement s = statements.get(sql);
            if (s == null) {
                s = connection.prepareStatement(sql);
                statements.put(sql, s);
            } else {
                s.clearParameters();
            }
            return s;
        }

        void execute(String sql) throws SQLException {
            prepared(sql).execute();
        }
    }

    private Session connect(boolean reader) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(fullSync ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(5_000);
        if (reader) {
            config.setReadOnly(true);
        }
        Connection c = config.createConnection("jdbc:sqlite:" + file);
        synchronized (all) {
            all.add(c);
        }
        return new Session(c);
    }

    @Override
    public String name() {
        return name;
    }

    /** Where the data is, for operators. */
    public String backend() {
        return "file:" + file + (fullSync ? "?sync=full" : "");
    }

    @Override
    public CompletionStage<byte[]> get(String key) {
        return now(() -> {
            byte[] k = KeyRules.key(key);
            return read(c -> {
                PreparedStatement s = c.prepared("select v from kv where k = ? and (e = 0 or e > ?)");
                s.setBytes(1, k);
                s.setLong(2, clock.getAsLong());
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getBytes(1) : null;
                }
            });
        });
    }

    @Override
    public CompletionStage<Void> put(String key, byte[] value, long ttlSeconds) {
        return now(() -> {
            byte[] k = KeyRules.key(key);
            byte[] v = KeyRules.value(value, maxValueBytes);
            long expires = KeyRules.expiresAt(ttlSeconds, clock.getAsLong());
            write(c -> {
                set(c, k, v, expires, quotaBytes > 0 ? stored(c, k) : null);
                return null;
            });
            return null;
        });
    }

    @Override
    public CompletionStage<Boolean> delete(String key) {
        return now(() -> {
            byte[] k = KeyRules.key(key);
            return write(c -> {
                Row old = stored(c, k);
                if (old == null) {
                    return false;
                }
                PreparedStatement s = c.prepared("delete from kv where k = ?");
                s.setBytes(1, k);
                s.executeUpdate();
                addBytes(c, -(k.length + old.length));
                return old.live(clock.getAsLong());
            });
        });
    }

    @Override
    public CompletionStage<Page> list(String prefix, int limit, String cursor) {
        return now(() -> {
            int n = KeyRules.limit(limit);
            KeyRules.Range range = KeyRules.range(prefix, cursor);
            byte[] from = range.from();
            byte[] upper = range.below();
            return read(c -> {
                PreparedStatement s = c.prepared("select k, e from kv where k >= ?"
                        + (upper == null ? "" : " and k < ?")
                        + " and (e = 0 or e > ?) order by k limit ?");
                int i = 1;
                s.setBytes(i++, from);
                if (upper != null) {
                    s.setBytes(i++, upper);
                }
                s.setLong(i++, clock.getAsLong());
                s.setInt(i, n + 1);
                List<Key> keys = new ArrayList<>();
                byte[] last = null;
                boolean more = false;
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        if (keys.size() == n) {
                            more = true;
                            break;
                        }
                        last = r.getBytes(1);
                        long e = r.getLong(2);
                        keys.add(new Key(new String(last, StandardCharsets.UTF_8), e == 0 ? 0 : (e + 999) / 1000));
                    }
                }
                return new Page(keys, more ? KeyRules.cursor(last) : null);
            });
        });
    }

    @Override
    public CompletionStage<Long> increment(String key, long delta) {
        return now(() -> {
            byte[] k = KeyRules.key(key);
            return write(c -> {
                Row old = stored(c, k);
                boolean live = old != null && old.live(clock.getAsLong());
                long value = KeyRules.add(KeyRules.number(live ? old.value : null), delta);
                set(c, k, KeyRules.text(value), live ? old.expires : 0, old);
                return value;
            });
        });
    }

    @Override
    public CompletionStage<Boolean> compareAndSwap(String key, byte[] expected, byte[] value, long ttlSeconds) {
        return now(() -> {
            byte[] k = KeyRules.key(key);
            byte[] v = KeyRules.value(value, maxValueBytes);
            long expires = KeyRules.expiresAt(ttlSeconds, clock.getAsLong());
            return write(c -> {
                Row old = stored(c, k);
                byte[] current = old != null && old.live(clock.getAsLong()) ? old.value : null;
                if (expected == null ? current != null : current == null || !Arrays.equals(current, expected)) {
                    return false;
                }
                set(c, k, v, expires, old);
                return true;
            });
        });
    }

    @Override
    public CompletionStage<Usage> usage() {
        return now(() -> read(c -> {
            // Counted as they change only under a quota; without one, counted now.
            PreparedStatement s = c.prepared(
                    quotaBytes > 0
                            ? "select (select count(*) from kv), n from meta where name = 'bytes'"
                            : "select count(*), coalesce(sum(length(k) + length(v)), 0) from kv");
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new Usage(backend(), r.getLong(1), r.getLong(2), quotaBytes, maxValueBytes);
            }
        }));
    }

    /** Removes up to a batch of expired keys; how many. Expired keys are never read, only their space stays. */
    public int sweep() {
        try {
            return write(c -> {
                int removed = 0;
                long freed = 0;
                PreparedStatement s = c.prepared("delete from kv where k in"
                        + " (select k from kv where e > 0 and e <= ? limit " + SWEEP_BATCH + ")"
                        + " returning length(k) + length(v)");
                s.setLong(1, clock.getAsLong());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        removed++;
                        freed += r.getLong(1);
                    }
                }
                addBytes(c, -freed);
                return removed;
            });
        } catch (KeyValueException e) {
            return 0; // the next sweep tries again
        }
    }

    /** A stored row, live or expired. */
    private record Row(byte[] value, long expires, int length) {
        boolean live(long now) {
            return expires == 0 || expires > now;
        }
    }

    private static Row stored(Session c, byte[] k) throws SQLException {
        PreparedStatement s = c.prepared("select v, e from kv where k = ?");
        s.setBytes(1, k);
        try (ResultSet r = s.executeQuery()) {
            if (!r.next()) {
                return null;
            }
            byte[] v = r.getBytes(1);
            return new Row(v, r.getLong(2), v.length);
        }
    }

    /** Writes the row; under a quota, counting what {@code old} took (null: nothing). */
    private void set(Session c, byte[] k, byte[] v, long expires, Row old) throws SQLException {
        long delta = k.length + v.length - (old == null ? 0 : k.length + old.length);
        if (quotaBytes > 0 && delta > 0) {
            PreparedStatement s = c.prepared("select n from meta where name = 'bytes'");
            long used;
            try (ResultSet r = s.executeQuery()) {
                used = r.next() ? r.getLong(1) : 0;
            }
            if (used + delta > quotaBytes) {
                throw new KeyValueException(
                        Reason.QUOTA_EXCEEDED,
                        "store " + name + " holds " + used + " bytes; " + delta + " more would pass its quota of "
                                + quotaBytes);
            }
        }
        PreparedStatement s = c.prepared("insert into kv (k, v, e) values (?, ?, ?)"
                + " on conflict (k) do update set v = excluded.v, e = excluded.e");
        s.setBytes(1, k);
        s.setBytes(2, v);
        s.setLong(3, expires);
        s.executeUpdate();
        addBytes(c, delta);
    }

    /** Keeps the count of bytes held, which only a quota needs (it is recounted when a store opens with one). */
    private void addBytes(Session c, long delta) throws SQLException {
        if (quotaBytes > 0 && delta != 0) {
            PreparedStatement s = c.prepared("update meta set n = n + ? where name = 'bytes'");
            s.setLong(1, delta);
            s.executeUpdate();
        }
    }

    @FunctionalInterface
    private interface Sql<T> {
        T run(Session c) throws SQLException;
    }

    /**
     * One transaction on the writer, committed before it returns; rolled back, whole, if anything
     * fails. The write lock is taken at its start and held only until its end: another process on
     * the file waits for it (up to the busy timeout), never for this one's idle time.
     */
    private <T> T write(Sql<T> work) {
        synchronized (writer) {
            try {
                writer.execute("begin immediate");
                try {
                    T result = work.run(writer);
                    writer.execute("commit");
                    return result;
                } catch (SQLException | RuntimeException e) {
                    try {
                        writer.execute("rollback");
                    } catch (SQLException ignored) {
                        // nothing was committed
                    }
                    throw e;
                }
            } catch (SQLException | RuntimeException e) {
                throw failure(e);
            }
        }
    }

    private <T> T read(Sql<T> work) {
        Session c;
        try {
            c = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyValueException(Reason.UNAVAILABLE, "store " + name + ": interrupted");
        }
        try {
            return work.run(c);
        } catch (SQLException | RuntimeException e) {
            throw failure(e);
        } finally {
            readers.add(c);
        }
    }

    private RuntimeException failure(Exception e) {
        if (e instanceof KeyValueException k) {
            return k;
        }
        return new KeyValueException(Reason.UNAVAILABLE, "store " + name + " failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        synchronized (all) {
            for (Connection c : all) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // closing anyway
                }
            }
            all.clear();
        }
    }
}
