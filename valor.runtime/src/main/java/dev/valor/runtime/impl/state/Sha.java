package dev.valor.runtime.impl.state;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hex digests, for content-addressed files. */
public final class Sha {

    private Sha() {}

    public static String hex(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + algorithm, e);
        }
    }

    public static String sha256(byte[] bytes) {
        return hex("SHA-256", bytes);
    }
}
