package dev.valor.runtime.impl.shell;

import dev.valor.api.Headers;
import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.VluginRouter;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.api.plugin.PluginInfo;
import dev.valor.api.plugin.PluginRegistry;
import dev.valor.api.plugin.PluginType;
import dev.valor.runtime.impl.binding.BindingLinker;
import dev.valor.runtime.impl.deploy.Managed;
import dev.valor.runtime.impl.deploy.PluginConflict;
import dev.valor.runtime.impl.manage.PluginManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code valor:} commands of the Gogo shell. Each returns what it prints; a user mistake is an
 * {@link IllegalArgumentException} whose message is the one line the shell shows.
 */
@Component(
        service = ValorCommands.class,
        property = {
            "osgi.command.scope=valor",
            "osgi.command.function=list",
            "osgi.command.function=info",
            "osgi.command.function=load",
            "osgi.command.function=unload",
            "osgi.command.function=reload",
            "osgi.command.function=call",
            "osgi.command.function=bindings"
        })
public class ValorCommands {

    private static final long CALL_WAIT_SECONDS = 120;

    @Reference
    private PluginRegistry registry;

    @Reference
    private PluginManager manager;

    @Reference
    private VluginRouter router;

    @Reference
    private BindingLinker linker;

    @Descriptor("list the plugins: name, prefix, type, version, state, requests served, fleet or node")
    public String list() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "PREFIX", "TYPE", "VERSION", "STATE", "SERVED", "FROM"});
        List<String> notes = new ArrayList<>();
        for (PluginInfo p : registry.plugins()) {
            rows.add(new String[] {
                p.name(),
                "/" + p.prefix(),
                p.type().id(),
                p.version(),
                p.state().name().toLowerCase(Locale.ROOT),
                Long.toString(p.served()),
                p.fleet() ? "fleet" : "node"
            });
            if (!p.reason().isEmpty()) {
                notes.add(p.name() + ": " + p.reason());
            }
        }
        StringBuilder out = new StringBuilder(table(rows));
        for (String note : notes) {
            out.append("! ").append(note).append('\n');
        }
        return out.toString().stripTrailing();
    }

    @Descriptor("show the composition graph: per binding, its providers and the sockets that take it")
    public String bindings() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"BINDING", "PROVIDERS", "CONSUMERS"});
        linker.graph()
                .forEach((binding, g) -> rows.add(new String[] {
                    binding.toString(),
                    g.providers().isEmpty() ? "-" : String.join(", ", g.providers()),
                    g.consumers().isEmpty() ? "-" : String.join(", ", g.consumers())
                }));
        return rows.size() == 1
                ? "no bindings: no plugin plugs into one or has a socket"
                : table(rows).stripTrailing();
    }

    @Descriptor("show one plugin")
    public String info(@Descriptor("plugin name") String name) {
        PluginInfo p = registry.plugin(name).orElseThrow(() -> new IllegalArgumentException("no plugin named " + name));
        StringBuilder out = new StringBuilder();
        out.append("name:    ").append(p.name()).append('\n');
        out.append("prefix:  /").append(p.prefix()).append('\n');
        out.append("type:    ").append(p.type().id()).append('\n');
        out.append("source:  ").append(p.source()).append('\n');
        out.append("version: ").append(p.version()).append('\n');
        out.append("state:   ")
                .append(p.state().name().toLowerCase(Locale.ROOT))
                .append('\n');
        out.append("served:  ").append(p.served());
        if (!p.reason().isEmpty()) {
            out.append('\n').append("error:   ").append(p.reason());
        }
        return out.toString();
    }

    @Descriptor(
            "load plugins from an artifact (.jar, .wasm, .js), a definition or plugins file (.json), or definition JSON in quotes")
    public String load(@Descriptor("FILE or '{\"name\": ..., \"path\": ...}'") String what)
            throws InterruptedException {
        List<PluginDefinition> defs;
        Path base;
        String text = what.strip();
        try {
            if (text.startsWith("{")) {
                defs = PluginManager.parse(text, "the definition");
                base = Paths.get("").toAbsolutePath();
            } else {
                Path file = Paths.get(text).toAbsolutePath().normalize();
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("no such file: " + file);
                }
                base = file.getParent();
                PluginType type = PluginType.ofFileName(file.getFileName().toString());
                if (type != null) {
                    String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                    defs = List.of(new PluginDefinition(name, null, type, file.toString(), null));
                } else {
                    defs = PluginManager.parse(Files.readString(file), file.toString());
                }
            }
        } catch (PluginException | IOException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        StringBuilder out = new StringBuilder();
        List<String> failures = new ArrayList<>();
        for (PluginDefinition def : defs) {
            try {
                Managed m = manager.register(def, base);
                out.append("loaded ")
                        .append(def.name())
                        .append(" at /")
                        .append(def.prefix())
                        .append(" (")
                        .append(def.type().id())
                        .append(' ')
                        .append(m.version())
                        .append(")\n");
            } catch (PluginException e) {
                failures.add(def.name() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalArgumentException(out + "not loaded: " + String.join("; ", failures));
        }
        return out.toString().stripTrailing();
    }

    @Descriptor("unload a plugin now (a registered one for good)")
    public String unload(@Descriptor("plugin name") String name) throws PluginException {
        try {
            if (!manager.unload(name)) {
                throw new IllegalArgumentException("no plugin named " + name);
            }
        } catch (PluginConflict e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        return "unloaded " + name;
    }

    @Descriptor("read a plugin's source again and swap in the new version")
    public String reload(@Descriptor("plugin name") String name) throws InterruptedException {
        try {
            manager.reload(name);
        } catch (PluginException e) {
            throw new IllegalArgumentException("reload of " + name + " failed: " + e.getMessage());
        }
        PluginInfo p = registry.plugin(name).orElseThrow();
        return "reloaded " + name + " (" + p.type().id() + " " + p.version() + ")";
    }

    @Descriptor("call a plugin in-process and print status, headers and body")
    public String call(@Descriptor("method") String method, @Descriptor("path, e.g. /hello?who=me") String path)
            throws InterruptedException {
        return call(method, path, null);
    }

    @Descriptor("call a plugin in-process with a body and print status, headers and body")
    public String call(
            @Descriptor("method") String method,
            @Descriptor("path, e.g. /hello?who=me") String path,
            @Descriptor("request body") String body)
            throws InterruptedException {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("the path must start with /: " + path);
        }
        int q = path.indexOf('?');
        Request request = Request.builder(method.toUpperCase(Locale.ROOT), q < 0 ? path : path.substring(0, q))
                .rawQuery(q < 0 ? "" : path.substring(q + 1))
                .headers(body == null ? Headers.empty() : Headers.of("content-type", "text/plain; charset=utf-8"))
                .body(body)
                .build();
        Response response;
        try {
            response = router.route(request).toCompletableFuture().get(CALL_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalArgumentException("call failed: " + e);
        }
        StringBuilder out = new StringBuilder().append(response.status()).append('\n');
        response.headers()
                .forEach((n, v) -> out.append(n).append(": ").append(v).append('\n'));
        return out.append('\n').append(response.bodyText()).toString();
    }

    private static String table(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(row[i]);
                if (i < row.length - 1) {
                    out.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }
}
