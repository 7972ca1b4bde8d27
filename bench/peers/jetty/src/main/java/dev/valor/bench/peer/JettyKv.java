package dev.valor.bench.peer;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;

/**
 * The peer of Valor's Redis store: a bare Jetty 12 servlet doing what a notes plugin does with the
 * store, through the same client and pool size. {@code GET /KEY} reads {@code note:KEY}, {@code PUT
 * /KEY} writes the body there. {@code java -cp jetty-peer.jar dev.valor.bench.peer.JettyKv PORT
 * redis://HOST:PORT/DB}.
 */
public final class JettyKv {

    public static void main(String[] args) throws Exception {
        URI redis = URI.create(args[1]);
        JedisPoolConfig config = new JedisPoolConfig();
        config.setMaxTotal(64);
        config.setMaxIdle(64);
        config.setJmxEnabled(false);
        JedisPool pool = new JedisPool(config, redis.getHost(), redis.getPort());
        JettyHello.serve(Integer.parseInt(args[0]), new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                byte[] key = ("note:" + request.getPathInfo().substring(1)).getBytes(StandardCharsets.UTF_8);
                try (Jedis c = pool.getResource()) {
                    if (request.getMethod().equals("PUT")) {
                        byte[] body = request.getInputStream().readAllBytes();
                        c.set(key, body);
                        response.setContentType("application/json");
                        response.getOutputStream().write(body);
                    } else {
                        byte[] value = c.get(key);
                        if (value == null) {
                            response.setStatus(404);
                            return;
                        }
                        response.setContentType("application/json");
                        response.getOutputStream().write(value);
                    }
                }
            }
        });
    }
}
