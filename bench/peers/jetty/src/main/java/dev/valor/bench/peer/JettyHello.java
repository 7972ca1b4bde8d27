package dev.valor.bench.peer;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The peer of Valor's Java hello: one servlet in a bare Jetty 12 on loopback, answering the same
 * text with the same content type. {@code java -jar jetty-peer.jar PORT [async]}: with {@code async}
 * each request goes through startAsync/complete as Valor's router does, to tell that cost apart.
 */
public final class JettyHello {

    private static final byte[] BODY = "OK response from a plugin".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        boolean async = args.length > 1 && args[1].equals("async");
        serve(Integer.parseInt(args[0]), new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                AsyncContext context = async ? request.startAsync() : null;
                response.setContentType("text/plain; charset=utf-8");
                response.setContentLength(BODY.length);
                response.getOutputStream().write(BODY);
                if (context != null) {
                    context.complete();
                }
            }
        });
    }

    /** One servlet for every path, in a bare Jetty on loopback, until the process ends. */
    static void serve(int port, HttpServlet servlet) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(servlet, "/*").setAsyncSupported(true);
        server.setHandler(context);
        server.start();
        System.out.println("Jetty peer serving on http://127.0.0.1:" + connector.getLocalPort() + "/");
        server.join();
    }
}
