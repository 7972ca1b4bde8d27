package dev.valor.sandbox.internal.outbound;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Where a sandboxed plugin's outbound request goes, by one rule for every kind: a relative URL,
 * or one on the calling request's own origin, goes in-process to the plugin whose prefix claims
 * it; an http(s) URL of a host the definition grants goes out; anything else is refused.
 */
public final class OutboundPolicy {

    /** Where a request goes. */
    public sealed interface Target permits InProcess, Remote {}

    /** To the plugin whose prefix claims the path, through the router. */
    public record InProcess(String path, String rawQuery) implements Target {}

    /** Out, to a granted host. */
    public record Remote(URI uri) implements Target {}

    private final List<String> allowedHosts;

    /** @param allowedHosts {@code capabilities.allowed_hosts}, lower-cased */
    public OutboundPolicy(List<String> allowedHosts) {
        this.allowedHosts = List.copyOf(allowedHosts);
    }

    /** The origin of the request a call is made for ({@code http://} and its Host header), whose URLs are in-process. */
    public static String originOf(String hostHeader) {
        return "http://" + (hostHeader == null || hostHeader.isEmpty() ? "localhost" : hostHeader);
    }

    /**
     * @param origin the calling request's {@link #originOf origin}
     * @throws OutboundException a {@link OutboundException.Kind#REFUSED REFUSED} or
     *     {@link OutboundException.Kind#MALFORMED MALFORMED} one
     */
    public Target resolve(String url, String origin) throws OutboundException {
        String target = url;
        // The origin comes from the client's Host header: a granted host always goes out, so a
        // client cannot turn a plugin's call to a granted API into a call to a local plugin.
        if (target.startsWith(origin + "/") && !allowedHosts.contains(hostOf(origin))) {
            target = target.substring(origin.length());
        }
        if (target.startsWith("/")) {
            int q = target.indexOf('?');
            return new InProcess(q < 0 ? target : target.substring(0, q), q < 0 ? "" : target.substring(q + 1));
        }
        URI uri;
        try {
            uri = URI.create(target);
        } catch (IllegalArgumentException e) {
            throw new OutboundException(OutboundException.Kind.MALFORMED, "not a URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new OutboundException(
                    OutboundException.Kind.REFUSED, "only http and https URLs may be fetched: " + url);
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!allowedHosts.contains(host)) {
            throw new OutboundException(
                    OutboundException.Kind.REFUSED, "host " + host + " is not in capabilities.allowed_hosts");
        }
        return new Remote(uri);
    }

    private static String hostOf(String origin) {
        try {
            String host = URI.create(origin).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
