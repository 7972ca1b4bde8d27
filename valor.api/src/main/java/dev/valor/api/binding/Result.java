package dev.valor.api.binding;

/**
 * One provider's answer to a socket call: its value, or its error.
 *
 * @param provider the provider's plugin name
 * @param value    the bytes it returned; {@code null} when it failed
 * @param error    why it failed; {@code null} when it answered
 */
public record Result(String provider, byte[] value, String error) {

    public static Result ok(String provider, byte[] value) {
        return new Result(provider, value, null);
    }

    public static Result failed(String provider, String error) {
        return new Result(provider, null, error == null ? "failed" : error);
    }

    public boolean ok() {
        return error == null;
    }
}
