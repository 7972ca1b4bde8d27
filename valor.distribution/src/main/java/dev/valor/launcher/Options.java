package dev.valor.launcher;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The command line: {@code valor [-p FILE] [-w] [--metrics] [--port N] [--host ADDR] [--deploy DIR]
 * [--kv NAME=URL]... [--fleet URL] [--log-format text|json]}.
 */
final class Options {

    static final String USAGE = String.join(
            System.lineSeparator(),
            "Usage: valor [-p FILE] [-w] [--metrics] [--port N] [--host ADDR] [--deploy DIR] [--kv NAME=URL]...",
            "             [--fleet redis://HOST:PORT/DB] [--log-format text|json] [--logs terminal|files]",
            "",
            "  -p, --plugins FILE   load the plugins defined in FILE (plugins.json format) at start-up",
            "  -w, --with-registry  serve the plugin registry at /_plugins",
            "      --metrics        serve Prometheus metrics at /_metrics (beyond loopback: with the registry's token)",
            "      --port N         HTTP port (default 8080)",
            "      --host ADDR      address to bind (default 127.0.0.1; 0.0.0.0 opens it to the network)",
            "      --deploy DIR     folder of plugins to deploy (default: deploy/ of the distribution)",
            "      --kv NAME=URL    a key-value store for plugins: file:PATH (embedded) or redis://HOST:PORT/DB;",
            "                       repeatable; default=file:var/kv/default.db unless given (docs/kv.md)",
            "      --fleet URL      join the fleet kept in Redis at redis://HOST:PORT/DB: its plugin set runs here,",
            "                       registrations go to it, and the store default is on it (docs/fleet.md)",
            "      --log-format F   text (the default) or json: one JSON object per line, for log shippers",
            "      --logs WHERE     terminal, or files: var/log/valor.log and var/log/access.log, rolled (the",
            "                       default when the shell runs; the terminal then shows the log until it opens)",
            "  -h, --help           print this help",
            "",
            "       valor new KIND NAME [DIR]",
            "",
            "  makes a plugin project that builds on its own; KIND: " + String.join(", ", Starter.KINDS.keySet()));

    private static final Pattern STORE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    Path pluginsFile;
    boolean withRegistry;
    boolean metrics;
    int port = 8080;
    String host = "127.0.0.1";
    Path deployDir;
    boolean jsonLogs;
    boolean help;
    /** Text logs to var/log (and the terminal only until the shell opens); null: when the shell runs. */
    Boolean logFiles;
    /** The fleet's Redis, {@code redis://HOST:PORT/DB}; null when not in a fleet. */
    String fleet;
    /** Store name to URL, in the order given; a {@code file:} path made absolute. */
    final Map<String, String> kvStores = new LinkedHashMap<>();

    /** Thrown for a bad command line; the launcher prints it with the usage and exits 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(List<String> args) throws UsageException {
        Options o = new Options();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "-p":
                case "--plugins":
                    o.pluginsFile = Paths.get(value != null ? value : next(args, ++i, arg));
                    break;
                case "-w":
                case "--with-registry":
                    o.withRegistry = true;
                    break;
                case "--metrics":
                    o.metrics = true;
                    break;
                case "--port":
                    o.port = port(value != null ? value : next(args, ++i, arg));
                    break;
                case "--host":
                    o.host = value != null ? value : next(args, ++i, arg);
                    if (o.host.isBlank()) {
                        throw new UsageException("--host needs an address");
                    }
                    break;
                case "--deploy":
                    o.deployDir = Paths.get(value != null ? value : next(args, ++i, arg));
                    break;
                case "--log-format":
                    String format = value != null ? value : next(args, ++i, arg);
                    if (!format.equals("text") && !format.equals("json")) {
                        throw new UsageException("--log-format is text or json, not '" + format + "'");
                    }
                    o.jsonLogs = format.equals("json");
                    break;
                case "--logs":
                    String logs = value != null ? value : next(args, ++i, arg);
                    if (!logs.equals("terminal") && !logs.equals("files")) {
                        throw new UsageException("--logs is terminal or files, not '" + logs + "'");
                    }
                    o.logFiles = logs.equals("files");
                    break;
                case "--kv":
                    kv(o, value != null ? value : next(args, ++i, arg));
                    break;
                case "--fleet":
                    o.fleet = value != null ? value : next(args, ++i, arg);
                    if (!o.fleet.matches("redis://[^\\s/]+(/\\d+)?/?")) {
                        throw new UsageException("--fleet takes redis://HOST:PORT/DB, not '" + o.fleet + "'");
                    }
                    break;
                case "-h":
                case "--help":
                    o.help = true;
                    break;
                default:
                    throw new UsageException("unknown option: " + args.get(i));
            }
        }
        return o;
    }

    /** Whether every address the host names is a loopback one: nothing beyond this machine reaches it. */
    boolean loopbackOnly() {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void kv(Options o, String pair) throws UsageException {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? "" : pair.substring(0, eq);
        if (!STORE_NAME.matcher(name).matches()) {
            throw new UsageException(
                    "--kv takes NAME=URL (a name of letters, digits, '_', '.' or '-'), not '" + pair + "'");
        }
        String url = pair.substring(eq + 1);
        if (url.startsWith("file:")) {
            String rest = url.substring("file:".length());
            int q = rest.indexOf('?');
            String path = q < 0 ? rest : rest.substring(0, q);
            if (path.isEmpty()) {
                throw new UsageException("--kv " + name + ": file: needs a path, e.g. file:var/kv/" + name + ".db");
            }
            url = "file:" + Paths.get(path).toAbsolutePath().normalize() + (q < 0 ? "" : rest.substring(q));
        } else if (!url.startsWith("redis://")) {
            throw new UsageException(
                    "--kv " + name + ": the URL is file:PATH or redis://HOST:PORT/DB, not '" + url + "'");
        }
        if (url.contains(" ")) {
            throw new UsageException("--kv " + name + ": the URL must not hold spaces");
        }
        if (o.kvStores.put(name, url) != null) {
            throw new UsageException("--kv " + name + " is given twice");
        }
    }

    private static String next(List<String> args, int i, String option) throws UsageException {
        if (i >= args.size() || args.get(i).startsWith("-") && args.get(i).length() > 1) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(i);
    }

    private static int port(String value) throws UsageException {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new UsageException("--port must be a number from 1 to 65535, not '" + value + "'");
    }
}
