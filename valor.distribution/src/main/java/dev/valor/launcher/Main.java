package dev.valor.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Properties;

/**
 * Starts Valor: reads the command line, starts the OSGi framework with the distribution's bundles,
 * prints the URL once the runtime answers, and stops it cleanly on SIGTERM or Ctrl-C.
 *
 * <p>Exit codes: 0 after a clean stop, 1 when the runtime cannot start, 2 for a bad command line.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        BufferedLogs.flush();
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("new")) {
            return Starter.run(home(), Arrays.asList(args).subList(1, args.length), out, err);
        }
        Options options;
        try {
            options = Options.parse(Arrays.asList(args));
        } catch (Options.UsageException e) {
            err.println("valor: " + e.getMessage());
            err.println(Options.USAGE);
            return 2;
        }
        if (options.help) {
            out.println(Options.USAGE);
            return 0;
        }
        Path home = home();
        boolean shell = stdinIsTerminal();
        boolean logFiles = !options.jsonLogs && (options.logFiles != null ? options.logFiles : shell);
        Path logDir = home.resolve("var").resolve("log");
        if (!shell) {
            BufferedLogs.batchStderr(); // a log line a write cost a hello a quarter of its speed
        }
        try {
            configureLogging(home, options.jsonLogs, logFiles, logDir);
            checkFiles(options);
            checkPortFree(options.host, options.port);
        } catch (StartException e) {
            err.println("valor: " + e.getMessage());
            return 1;
        }
        Launcher launcher = new Launcher(home, options, shell);
        try {
            launcher.start();
        } catch (StartException e) {
            BufferedLogs.flush(); // what the start logged, before the line that sums it up
            err.println("valor: " + e.getMessage());
            launcher.stop();
            return 1;
        }
        out.println("Valor serving on " + url(options));
        if (options.withRegistry) {
            out.println("Registry at " + url(options) + "_plugins, "
                    + (launcher.tokenGenerated()
                            ? "token for this run: " + launcher.registryToken()
                            : "token from VALOR_REGISTRY_TOKEN"));
        }
        if (options.metrics) {
            out.println("Metrics at " + url(options) + "_metrics"
                    + (options.loopbackOnly()
                            ? ""
                            : launcher.tokenGenerated()
                                    ? ", token for this run: " + launcher.registryToken()
                                    : ", token from VALOR_REGISTRY_TOKEN"));
        }
        if (logFiles) {
            out.println(
                    "Logs in " + logDir.resolve("valor.log") + ", the access log in " + logDir.resolve("access.log"));
        }
        if (shell) {
            out.println("Gogo shell below: valor:list, valor:call, help; Ctrl-C stops the runtime");
            out.flush();
            System.setProperty(TERMINAL_LOG, "off"); // from here the terminal is the shell's
            launcher.startShell();
        } else {
            out.println("No Gogo shell: stdin is not a terminal (the shell reads its commands there)");
        }
        out.flush();
        return launcher.awaitStop();
    }

    private static String url(Options options) {
        String host = options.host.contains(":") ? "[" + options.host + "]" : options.host;
        return "http://" + host + ":" + options.port + "/";
    }

    /** The distribution's folder: {@code valor.home}, or the folder above the launcher jar's. */
    static Path home() {
        String prop = System.getProperty("valor.home");
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        try {
            Path jar = Paths.get(Main.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return jar.getParent().getParent().toAbsolutePath().normalize();
        } catch (Exception e) {
            return Paths.get("").toAbsolutePath();
        }
    }

    /** Read by conf/log4j2-files.xml at each event: "off" once the shell has the terminal. */
    private static final String TERMINAL_LOG = "valor.log.terminal";

    /**
     * Whether the Gogo shell can read commands: stdin is a terminal (bin/valor tests it; stdout may
     * be a pipe, as in {@code bin/valor | tee}), else whether the JVM has a console.
     */
    static boolean stdinIsTerminal() {
        String said = System.getProperty("valor.stdin.terminal");
        return said != null ? Boolean.parseBoolean(said) : System.console() != null;
    }

    /**
     * Text on the terminal: slf4j-simple, its settings (system properties) from conf/logging.properties.
     * Text in files: Log4j 2, conf/log4j2-files.xml. JSON: Log4j 2 with its JSON template layout,
     * conf/log4j2-json.xml. All are on the class path; {@code slf4j.provider} says which one SLF4J
     * takes, before anything logs.
     */
    private static void configureLogging(Path home, boolean json, boolean files, Path logDir) throws StartException {
        Path conf = home.resolve("conf");
        System.setProperty("slf4j.internal.verbosity", "WARN"); // not a line on which provider it took
        if (files) {
            System.setProperty("slf4j.provider", "org.apache.logging.slf4j.SLF4JServiceProvider");
            System.setProperty(
                    "log4j2.configurationFile", conf.resolve("log4j2-files.xml").toString());
            System.setProperty("valor.log.dir", logDir.toString());
            System.setProperty(TERMINAL_LOG, "on");
            BufferedLogs.log4jAppenders();
            return;
        }
        if (json) {
            System.setProperty("slf4j.provider", "org.apache.logging.slf4j.SLF4JServiceProvider");
            System.setProperty(
                    "log4j2.configurationFile", conf.resolve("log4j2-json.xml").toString());
            System.setProperty("valor.conf.dir", conf.toString());
            return;
        }
        System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        Path file = conf.resolve("logging.properties");
        if (!Files.isRegularFile(file)) {
            return;
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new StartException("cannot read " + file + ": " + e.getMessage());
        }
        for (String name : props.stringPropertyNames()) {
            if (System.getProperty(name) == null) {
                System.setProperty(name, props.getProperty(name));
            }
        }
    }

    private static void checkFiles(Options options) throws StartException {
        if (options.pluginsFile != null && !Files.isRegularFile(options.pluginsFile)) {
            throw new StartException("plugins file " + options.pluginsFile + " does not exist");
        }
        if (options.deployDir != null && Files.exists(options.deployDir) && !Files.isDirectory(options.deployDir)) {
            throw new StartException("deploy folder " + options.deployDir + " is not a folder");
        }
    }

    /** A clear one-line error now rather than a Jetty stack trace later. */
    private static void checkPortFree(String host, int port) throws StartException {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new StartException("unknown host " + host);
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw new StartException(
                    "cannot listen on " + host + ":" + port + " (port in use or address not available)");
        }
    }

    /** The runtime cannot start; the message is the one line the user sees. */
    static final class StartException extends Exception {
        private static final long serialVersionUID = 1L;

        StartException(String message) {
            super(message);
        }
    }
}
