package dev.valor.http.impl.listen;

import org.apache.felix.http.jetty.ConnectorFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the server's listening sockets when a stop's grace is over, so new connections are
 * refused while the requests in flight finish on theirs. Felix HTTP hands a connector factory its
 * Jetty server; this one takes it and adds an inert in-memory connector, the price of being asked.
 */
@Component(service = {ConnectorFactory.class, Listeners.class})
public class Listeners implements ConnectorFactory {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private volatile Server server;

    @Override
    public Connector createConnector(Server server) {
        this.server = server;
        return new LocalConnector(server);
    }

    /** Stops accepting connections on every network connector; open connections stay. */
    public void close() {
        Server s = server;
        if (s == null) {
            return;
        }
        for (Connector connector : s.getConnectors()) {
            if (connector instanceof NetworkConnector network) {
                network.close();
                LOG.info("Stopped accepting connections on port {}", network.getLocalPort());
            }
        }
    }
}
