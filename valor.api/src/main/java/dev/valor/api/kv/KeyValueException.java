package dev.valor.api.kv;

/** Why a store operation was not done; nothing was changed. */
public class KeyValueException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The kinds of refusal, each with its own code in the WebAssembly ABI (docs/wasm-abi.md). */
    public enum Reason {
        /** The plugin's definition does not grant the store. */
        NOT_GRANTED,
        /** No store of that name is configured. */
        NO_SUCH_STORE,
        /** Empty, or longer than {@value KeyValueStore#MAX_KEY_BYTES} bytes. */
        INVALID_KEY,
        /** Larger than the store's largest value. */
        VALUE_TOO_LARGE,
        /** The store would hold more than its quota. */
        QUOTA_EXCEEDED,
        /** {@code increment} of a value that is not a 64-bit integer's text, or past its range. */
        NOT_A_NUMBER,
        /** A limit, cursor or expiry out of range. */
        INVALID_ARGUMENT,
        /** The backend is down or did not answer in time. */
        UNAVAILABLE
    }

    private final Reason reason;

    public KeyValueException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public KeyValueException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
