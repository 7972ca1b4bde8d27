import org.graalvm.polyglot.*;
public class CallLoop {
    public static void main(String[] a) {
        try (Engine engine = Engine.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
             Context c = Context.newBuilder("js").engine(engine).build()) {
            Value f = c.eval("js", "(function(o){ let s = 0; for (const [k, v] of o.headers) s += k.length + v.length; return {status: 200, headers: [['content-type','text/plain']], body: 'OK response from a plugin' + s}; })");
            Value msg = c.eval("js", "({url: 'http://x/hello', method: 'GET', headers: [['host','x'],['accept','*/*']], body: null})");
            for (int round = 0; round < 6; round++) {
                long t0 = System.nanoTime();
                int n = 200_000;
                for (int i = 0; i < n; i++) f.execute(msg);
                System.out.printf("round %d: %.2f us/call%n", round, (System.nanoTime() - t0) / 1e3 / n);
            }
            System.out.println("runtime: " + engine.getImplementationName());
        }
    }
}
