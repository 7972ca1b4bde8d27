package dev.valor.js.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;

/**
 * What {@code crypto.subtle} does, on the JDK's own providers: the script (35-subtle.js) checks
 * the arguments' shapes and keeps the keys; this only computes. Keys cross as their encoded
 * material: a secret's raw bytes, a public key's SubjectPublicKeyInfo, a private key's PKCS #8.
 * A failure is a {@link Refusal} with the DOMException name the script throws.
 */
final class SubtleCrypto {

    /** What the operation could not do, named as WebCrypto names it. */
    static final class Refusal extends RuntimeException {
        final String name;

        Refusal(String name, String message) {
            super(message);
            this.name = name;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** SubjectPublicKeyInfo of an Ed25519 key, before its 32 bytes (RFC 8410). */
    private static final byte[] ED25519_SPKI = hex("302a300506032b6570032100");
    /** PKCS #8 of an Ed25519 key, before its 32-byte seed. */
    private static final byte[] ED25519_PKCS8 = hex("302e020100300506032b657004220420");
    /** The same two for an X25519 key. */
    private static final byte[] X25519_SPKI = hex("302a300506032b656e032100");

    private static final byte[] X25519_PKCS8 = hex("302e020100300506032b656e04220420");

    private SubtleCrypto() {}

    /**
     * One {@code crypto.subtle} operation (35-subtle.js gives its arguments): {@code [null, value]},
     * or {@code [DOMException name, message]} when it cannot be done.
     */
    static Object call(Value... args) {
        try {
            String op = args[0].asString();
            JsonNode alg = JSON.readTree(args[1].asString());
            Object value = switch (op) {
                case "digest" ->
                    JsWire.latin1(SubtleCrypto.digest(alg.path("name").asText(), bytes(args[2])));
                case "importKey" -> {
                    String format = args[2].asString();
                    yield format.equals("jwk")
                            ? SubtleCrypto.importKey(format, alg, null, args[3].asString())
                            : SubtleCrypto.importKey(format, alg, bytes(args[3]), null);
                }
                case "exportKey" -> SubtleCrypto.exportKey(args[2].asString(), alg, args[3].asString(), bytes(args[4]));
                case "sign" ->
                    JsWire.latin1(SubtleCrypto.sign(alg, args[2].asString(), bytes(args[3]), bytes(args[4])));
                case "verify" ->
                    Boolean.toString(SubtleCrypto.verify(
                            alg, args[2].asString(), bytes(args[3]), bytes(args[4]), bytes(args[5])));
                case "encrypt", "decrypt" ->
                    JsWire.latin1(SubtleCrypto.encrypt(
                            alg, args[2].asString(), bytes(args[3]), bytes(args[4]), op.equals("encrypt")));
                case "deriveBits" -> {
                    String length = args[4].asString();
                    yield JsWire.latin1(SubtleCrypto.deriveBits(
                            alg, bytes(args[3]), length.equals("null") ? 0 : Integer.parseInt(length)));
                }
                case "generateKey" -> SubtleCrypto.generateKey(alg);
                default -> throw new SubtleCrypto.Refusal("NotSupportedError", "no operation " + op);
            };
            return ProxyArray.fromArray(null, value);
        } catch (SubtleCrypto.Refusal r) {
            return ProxyArray.fromArray(r.name, r.getMessage());
        } catch (IOException | RuntimeException e) {
            return ProxyArray.fromArray("OperationError", String.valueOf(e.getMessage()));
        }
    }

    private static byte[] bytes(Value latin1) {
        return JsWire.bytes(latin1.asString());
    }

    static byte[] digest(String hash, byte[] data) {
        return messageDigest(hash).digest(data);
    }

    /**
     * Imports a key: {@code data} is the bytes of raw, spki or pkcs8, or the text of a JWK.
     *
     * @return the key as {@code {type, material, length?, namedCurve?, modulusLength?, publicExponent?}}
     */
    static String importKey(String format, JsonNode alg, byte[] data, String jwkText) {
        String name = alg.path("name").asText();
        try {
            switch (name) {
                case "HMAC", "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW", "PBKDF2", "HKDF" -> {
                    byte[] secret = switch (format) {
                        case "raw" -> data;
                        case "jwk" -> octets(jwk(jwkText), "k");
                        default -> throw notSupported(format + " is not a format for " + name + " keys");
                    };
                    if (name.startsWith("AES") && secret.length != 16 && secret.length != 24 && secret.length != 32) {
                        throw new Refusal("DataError", "an AES key is 128, 192 or 256 bits, not " + secret.length * 8);
                    }
                    return secret("secret", secret);
                }
                case "ECDSA", "ECDH" -> {
                    String curve = alg.path("namedCurve").asText();
                    ECParameterSpec params = curve(curve);
                    KeyFactory ec = KeyFactory.getInstance("EC");
                    return switch (format) {
                        case "raw" -> ecKey(publicKey(ec, new ECPublicKeySpec(point(data, params), params)), curve);
                        case "spki" -> ecKey(ec.generatePublic(new X509EncodedKeySpec(data)), curve);
                        case "pkcs8" -> ecKey(ec.generatePrivate(new PKCS8EncodedKeySpec(data)), curve);
                        case "jwk" -> {
                            JsonNode j = jwk(jwkText);
                            ECPoint w = new ECPoint(unsigned(octets(j, "x")), unsigned(octets(j, "y")));
                            yield j.has("d")
                                    ? ecKey(
                                            ec.generatePrivate(new ECPrivateKeySpec(unsigned(octets(j, "d")), params)),
                                            curve)
                                    : ecKey(publicKey(ec, new ECPublicKeySpec(w, params)), curve);
                        }
                        default -> throw notSupported(format + " is not a format for EC keys");
                    };
                }
                case "Ed25519", "X25519" -> {
                    boolean ed = name.equals("Ed25519");
                    byte[] spki = ed ? ED25519_SPKI : X25519_SPKI, pkcs8 = ed ? ED25519_PKCS8 : X25519_PKCS8;
                    KeyFactory okp = KeyFactory.getInstance(name);
                    return switch (format) {
                        case "raw" -> key("public", concat(spki, exactly(data, 32)));
                        case "spki" ->
                            key(
                                    "public",
                                    okp.generatePublic(new X509EncodedKeySpec(data))
                                            .getEncoded());
                        case "pkcs8" ->
                            key(
                                    "private",
                                    okp.generatePrivate(new PKCS8EncodedKeySpec(data))
                                            .getEncoded());
                        case "jwk" -> {
                            JsonNode j = jwk(jwkText);
                            if (!j.path("crv").asText().equals(name)) {
                                throw new Refusal("DataError", "the JWK's crv is not " + name);
                            }
                            yield j.has("d")
                                    ? key("private", concat(pkcs8, exactly(octets(j, "d"), 32)))
                                    : key("public", concat(spki, exactly(octets(j, "x"), 32)));
                        }
                        default -> throw notSupported(format + " is not a format for " + name + " keys");
                    };
                }
                case "RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP" -> {
                    KeyFactory rsa = KeyFactory.getInstance("RSA");
                    return switch (format) {
                        case "spki" -> rsaKey(rsa.generatePublic(new X509EncodedKeySpec(data)));
                        case "pkcs8" -> rsaKey(rsa.generatePrivate(new PKCS8EncodedKeySpec(data)));
                        case "jwk" -> {
                            JsonNode j = jwk(jwkText);
                            BigInteger n = unsigned(octets(j, "n")), e = unsigned(octets(j, "e"));
                            yield j.has("d")
                                    ? rsaKey(rsa.generatePrivate(new RSAPrivateCrtKeySpec(
                                            n,
                                            e,
                                            unsigned(octets(j, "d")),
                                            unsigned(octets(j, "p")),
                                            unsigned(octets(j, "q")),
                                            unsigned(octets(j, "dp")),
                                            unsigned(octets(j, "dq")),
                                            unsigned(octets(j, "qi")))))
                                    : rsaKey(rsa.generatePublic(new RSAPublicKeySpec(n, e)));
                        }
                        default -> throw notSupported(format + " is not a format for RSA keys");
                    };
                }
                default -> throw notSupported("no algorithm " + name);
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new Refusal("DataError", "the key data is not a " + name + " key: " + e.getMessage());
        }
    }

    /** The key in a format: raw, spki or pkcs8 bytes (as Latin-1), or a JWK's text. */
    static String exportKey(String format, JsonNode alg, String type, byte[] material) {
        String name = alg.path("name").asText();
        try {
            if (type.equals("secret")) {
                return switch (format) {
                    case "raw" -> JsWire.latin1(material);
                    case "jwk" ->
                        JSON.createObjectNode()
                                .put("kty", "oct")
                                .put("k", b64(material))
                                .put("alg", jwkAlg(alg, material.length * 8))
                                .toString();
                    default -> throw notSupported(format + " is not a format for secret keys");
                };
            }
            if (format.equals("spki") && type.equals("public") || format.equals("pkcs8") && type.equals("private")) {
                return JsWire.latin1(material);
            }
            if (name.equals("Ed25519") || name.equals("X25519")) {
                byte[] raw = Arrays.copyOfRange(material, material.length - 32, material.length);
                if (format.equals("raw") && type.equals("public")) {
                    return JsWire.latin1(raw);
                }
                if (format.equals("jwk")) {
                    ObjectNode j = JSON.createObjectNode().put("kty", "OKP").put("crv", name);
                    if (type.equals("private")) {
                        j.put("d", b64(raw)).put("x", b64(okpPublic(name, raw)));
                    } else {
                        j.put("x", b64(raw));
                    }
                    if (name.equals("Ed25519")) {
                        j.put("alg", "Ed25519");
                    }
                    return j.toString();
                }
            } else if (name.startsWith("EC")) {
                String curve = alg.path("namedCurve").asText();
                int size = (curve(curve).getCurve().getField().getFieldSize() + 7) / 8;
                KeyFactory ec = KeyFactory.getInstance("EC");
                if (type.equals("public")) {
                    ECPoint w = ((ECPublicKey) ec.generatePublic(new X509EncodedKeySpec(material))).getW();
                    if (format.equals("raw")) {
                        return JsWire.latin1(
                                concat(new byte[] {4}, fixed(w.getAffineX(), size), fixed(w.getAffineY(), size)));
                    }
                    if (format.equals("jwk")) {
                        return JSON.createObjectNode()
                                .put("kty", "EC")
                                .put("crv", curve)
                                .put("x", b64(fixed(w.getAffineX(), size)))
                                .put("y", b64(fixed(w.getAffineY(), size)))
                                .toString();
                    }
                }
            } else if (name.startsWith("RSA") && format.equals("jwk")) {
                KeyFactory rsa = KeyFactory.getInstance("RSA");
                if (type.equals("public")) {
                    RSAPublicKey k = (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(material));
                    return JSON.createObjectNode()
                            .put("kty", "RSA")
                            .put("n", b64(magnitude(k.getModulus())))
                            .put("e", b64(magnitude(k.getPublicExponent())))
                            .put("alg", jwkAlg(alg, 0))
                            .toString();
                }
                if (rsa.generatePrivate(new PKCS8EncodedKeySpec(material)) instanceof RSAPrivateCrtKey k) {
                    return JSON.createObjectNode()
                            .put("kty", "RSA")
                            .put("n", b64(magnitude(k.getModulus())))
                            .put("e", b64(magnitude(k.getPublicExponent())))
                            .put("d", b64(magnitude(k.getPrivateExponent())))
                            .put("p", b64(magnitude(k.getPrimeP())))
                            .put("q", b64(magnitude(k.getPrimeQ())))
                            .put("dp", b64(magnitude(k.getPrimeExponentP())))
                            .put("dq", b64(magnitude(k.getPrimeExponentQ())))
                            .put("qi", b64(magnitude(k.getCrtCoefficient())))
                            .put("alg", jwkAlg(alg, 0))
                            .toString();
                }
            }
            throw notSupported("a " + type + " " + name + " key does not export as " + format);
        } catch (GeneralSecurityException e) {
            throw new Refusal("OperationError", e.getMessage());
        }
    }

    static byte[] sign(JsonNode alg, String type, byte[] material, byte[] data) {
        String name = alg.path("name").asText();
        try {
            if (name.equals("HMAC")) {
                return mac(alg, material).doFinal(data);
            }
            requireType(type, "private", "sign");
            Signature s = signature(alg);
            s.initSign(privateKey(name, material));
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new Refusal("OperationError", e.getMessage());
        }
    }

    static boolean verify(JsonNode alg, String type, byte[] material, byte[] signature, byte[] data) {
        String name = alg.path("name").asText();
        try {
            if (name.equals("HMAC")) {
                return MessageDigest.isEqual(mac(alg, material).doFinal(data), signature);
            }
            requireType(type, "public", "verify");
            Signature s = signature(alg);
            s.initVerify(publicKey(name, material));
            s.update(data);
            return s.verify(signature);
        } catch (java.security.SignatureException e) {
            return false; // a signature of the wrong shape verifies nothing
        } catch (GeneralSecurityException e) {
            throw new Refusal("OperationError", e.getMessage());
        }
    }

    static byte[] encrypt(JsonNode alg, String type, byte[] material, byte[] data, boolean encrypt) {
        String name = alg.path("name").asText();
        try {
            int mode = encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
            SecretKeySpec key = new SecretKeySpec(material, "AES");
            Cipher c;
            switch (name) {
                case "RSA-OAEP" -> {
                    requireType(type, encrypt ? "public" : "private", encrypt ? "encrypt" : "decrypt");
                    String h = hash(alg.path("hash").asText());
                    c = Cipher.getInstance("RSA/ECB/OAEPPadding");
                    c.init(
                            mode,
                            encrypt ? publicKey(name, material) : privateKey(name, material),
                            new OAEPParameterSpec(
                                    h,
                                    "MGF1",
                                    new MGF1ParameterSpec(h),
                                    alg.has("label")
                                            ? new PSource.PSpecified(bytes(alg, "label"))
                                            : PSource.PSpecified.DEFAULT));
                }
                // RFC 3394: wrapKey and unwrapKey come here (35-subtle.js lets nothing else use it).
                case "AES-KW" -> {
                    c = Cipher.getInstance("AES/KW/NoPadding");
                    c.init(mode, key);
                }
                case "AES-GCM" -> {
                    c = Cipher.getInstance("AES/GCM/NoPadding");
                    c.init(mode, key, new GCMParameterSpec(alg.path("tagLength").asInt(128), bytes(alg, "iv")));
                    if (alg.has("additionalData")) {
                        c.updateAAD(bytes(alg, "additionalData"));
                    }
                }
                case "AES-CBC" -> {
                    c = Cipher.getInstance("AES/CBC/PKCS5Padding");
                    c.init(mode, key, new javax.crypto.spec.IvParameterSpec(bytes(alg, "iv")));
                }
                case "AES-CTR" -> {
                    if (alg.path("length").asInt() != 128) {
                        throw notSupported("AES-CTR with a counter of other than 128 bits");
                    }
                    c = Cipher.getInstance("AES/CTR/NoPadding");
                    c.init(mode, key, new javax.crypto.spec.IvParameterSpec(bytes(alg, "counter")));
                }
                default -> throw notSupported(name + " does not encrypt here");
            }
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new Refusal("OperationError", (encrypt ? "encryption" : "decryption") + " failed: " + e.getMessage());
        }
    }

    /** Derives {@code lengthBits}; 0 (a null length) is the whole of an agreed secret. */
    static byte[] deriveBits(JsonNode alg, byte[] material, int lengthBits) {
        String name = alg.path("name").asText();
        if (name.equals("ECDH") || name.equals("X25519")) {
            return agree(name, material, bytes(alg, "public"), lengthBits);
        }
        if (lengthBits <= 0 || lengthBits % 8 != 0) {
            throw new Refusal("OperationError", "the length must be a positive multiple of 8, not " + lengthBits);
        }
        try {
            if (name.equals("PBKDF2")) {
                char[] password = new String(material, java.nio.charset.StandardCharsets.ISO_8859_1).toCharArray();
                SecretKeyFactory f = SecretKeyFactory.getInstance(
                        "PBKDF2WithHmac" + hash(alg.path("hash").asText()).replace("-", ""));
                // The password crosses as bytes, one char each: the JDK's PBKDF2 takes the low byte of a char.
                return f.generateSecret(new PBEKeySpec(
                                password,
                                bytes(alg, "salt"),
                                alg.path("iterations").asInt(),
                                lengthBits))
                        .getEncoded();
            }
            if (name.equals("HKDF")) {
                Mac extract =
                        Mac.getInstance("Hmac" + hash(alg.path("hash").asText()).replace("-", ""));
                byte[] salt = bytes(alg, "salt");
                extract.init(new SecretKeySpec(salt.length == 0 ? new byte[extract.getMacLength()] : salt, "HMAC"));
                byte[] prk = extract.doFinal(material);
                Mac expand = Mac.getInstance(extract.getAlgorithm());
                expand.init(new SecretKeySpec(prk, "HMAC"));
                byte[] info = bytes(alg, "info"), out = new byte[lengthBits / 8], t = new byte[0];
                for (int at = 0, i = 1; at < out.length; i++) {
                    expand.update(t);
                    expand.update(info);
                    expand.update((byte) i);
                    t = expand.doFinal();
                    System.arraycopy(t, 0, out, at, Math.min(t.length, out.length - at));
                    at += t.length;
                }
                return out;
            }
            throw notSupported(name + " derives nothing here");
        } catch (GeneralSecurityException e) {
            throw new Refusal("OperationError", e.getMessage());
        }
    }

    private static byte[] agree(String name, byte[] pkcs8, byte[] spki, int lengthBits) {
        try {
            KeyAgreement a = KeyAgreement.getInstance(name.equals("ECDH") ? "ECDH" : "X25519");
            a.init(privateKey(name, pkcs8));
            a.doPhase(publicKey(name, spki), true);
            byte[] secret = a.generateSecret();
            if (lengthBits == 0) {
                return secret;
            }
            if (lengthBits < 0 || lengthBits % 8 != 0 || lengthBits > secret.length * 8) {
                throw new Refusal(
                        "OperationError",
                        "the length must be a multiple of 8 up to " + secret.length * 8 + ", not " + lengthBits);
            }
            return Arrays.copyOf(secret, lengthBits / 8);
        } catch (GeneralSecurityException e) {
            throw new Refusal("OperationError", "the keys agree on nothing: " + e.getMessage());
        }
    }

    /** A new key, or a pair as {@code [public, private]}, each as importKey gives it. */
    static String generateKey(JsonNode alg) {
        String name = alg.path("name").asText();
        try {
            switch (name) {
                case "HMAC" -> {
                    int bits = alg.path("length").asInt(0);
                    // Without a length, the hash's block: 512 bits for SHA-1 and SHA-256, 1024 beyond.
                    String h = hash(alg.path("hash").asText());
                    int block = h.equals("SHA-384") || h.equals("SHA-512") ? 128 : 64;
                    byte[] k = new byte[bits > 0 ? (bits + 7) / 8 : block];
                    RANDOM.nextBytes(k);
                    return secret("secret", k);
                }
                case "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW" -> {
                    int bits = alg.path("length").asInt();
                    if (bits != 128 && bits != 192 && bits != 256) {
                        throw new Refusal("OperationError", "an AES key is 128, 192 or 256 bits, not " + bits);
                    }
                    byte[] k = new byte[bits / 8];
                    RANDOM.nextBytes(k);
                    return secret("secret", k);
                }
                case "ECDSA", "ECDH" -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec(
                            jdkCurve(alg.path("namedCurve").asText())));
                    KeyPair pair = g.generateKeyPair();
                    String curve = alg.path("namedCurve").asText();
                    return "[" + ecKey(pair.getPublic(), curve) + "," + ecKey(pair.getPrivate(), curve) + "]";
                }
                case "Ed25519", "X25519" -> {
                    KeyPair pair = KeyPairGenerator.getInstance(name).generateKeyPair();
                    return "[" + key("public", pair.getPublic().getEncoded()) + ","
                            + key("private", pair.getPrivate().getEncoded()) + "]";
                }
                case "RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP" -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(new RSAKeyGenParameterSpec(
                            alg.path("modulusLength").asInt(2048), unsigned(bytes(alg, "publicExponent"))));
                    KeyPair pair = g.generateKeyPair();
                    return "[" + rsaKey(pair.getPublic()) + "," + rsaKey(pair.getPrivate()) + "]";
                }
                default -> throw notSupported("no algorithm " + name + " to generate keys for");
            }
        } catch (GeneralSecurityException e) {
            throw new Refusal("OperationError", e.getMessage());
        }
    }

    // ---- the JDK's names for WebCrypto's ----

    private static MessageDigest messageDigest(String hash) {
        try {
            return MessageDigest.getInstance(hash(hash));
        } catch (GeneralSecurityException e) {
            throw notSupported("no digest " + hash);
        }
    }

    private static String hash(String hash) {
        return switch (hash) {
            case "SHA-1", "SHA-256", "SHA-384", "SHA-512" -> hash;
            default -> throw notSupported("no hash " + hash + " (SHA-1, SHA-256, SHA-384, SHA-512)");
        };
    }

    private static String macName(JsonNode alg) {
        return "Hmac" + hash(alg.path("hash").asText()).replace("-", "");
    }

    private static Mac mac(JsonNode alg, byte[] material) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(macName(alg));
        mac.init(new SecretKeySpec(material, mac.getAlgorithm()));
        return mac;
    }

    private static Signature signature(JsonNode alg) throws GeneralSecurityException {
        String name = alg.path("name").asText();
        String h = alg.has("hash") ? hash(alg.path("hash").asText()).replace("-", "") : "";
        return switch (name) {
            case "RSASSA-PKCS1-v1_5" -> Signature.getInstance(h + "withRSA");
            case "RSA-PSS" -> {
                Signature s = Signature.getInstance("RSASSA-PSS");
                String jdkHash = hash(alg.path("hash").asText());
                s.setParameter(new PSSParameterSpec(
                        jdkHash,
                        "MGF1",
                        new MGF1ParameterSpec(jdkHash),
                        alg.path("saltLength").asInt(),
                        1));
                yield s;
            }
            // WebCrypto's ECDSA signatures are r and s side by side (IEEE P1363), not DER.
            case "ECDSA" -> Signature.getInstance(h + "withECDSAinP1363Format");
            case "Ed25519" -> Signature.getInstance("Ed25519");
            default -> throw notSupported(name + " does not sign here");
        };
    }

    private static PublicKey publicKey(String name, byte[] spki) throws GeneralSecurityException {
        return KeyFactory.getInstance(family(name)).generatePublic(new X509EncodedKeySpec(spki));
    }

    private static PrivateKey privateKey(String name, byte[] pkcs8) throws GeneralSecurityException {
        return KeyFactory.getInstance(family(name)).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    private static String family(String name) {
        return name.startsWith("RSA") ? "RSA" : name.equals("Ed25519") || name.equals("X25519") ? name : "EC";
    }

    /** A JWK's {@code alg}, as Node 20 writes it. */
    private static String jwkAlg(JsonNode alg, int bits) {
        String name = alg.path("name").asText();
        String h = alg.path("hash").asText().replace("SHA-", "");
        return switch (name) {
            case "HMAC" -> "HS" + h;
            case "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW" -> "A" + bits + name.substring(4);
            case "RSASSA-PKCS1-v1_5" -> "RS" + h;
            case "RSA-PSS" -> "PS" + h;
            case "RSA-OAEP" -> h.equals("1") ? "RSA-OAEP" : "RSA-OAEP-" + h;
            default -> throw notSupported("no JWK alg for " + name);
        };
    }

    /**
     * The public half of an Ed25519 or X25519 private key. The JDK computes it only when it
     * makes a pair, and it makes the private half of 32 random bytes as they come: so it is given
     * these 32.
     */
    private static byte[] okpPublic(String name, byte[] privateBytes) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance(name);
        g.initialize(new NamedParameterSpec(name), new SecureRandom() {
            @Override
            public void nextBytes(byte[] into) {
                System.arraycopy(privateBytes, 0, into, 0, into.length);
            }
        });
        byte[] spki = g.generateKeyPair().getPublic().getEncoded();
        return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    }

    private static String jdkCurve(String curve) {
        return switch (curve) {
            case "P-256" -> "secp256r1";
            case "P-384" -> "secp384r1";
            case "P-521" -> "secp521r1";
            default -> throw notSupported("no curve " + curve + " (P-256, P-384, P-521)");
        };
    }

    private static ECParameterSpec curve(String curve) {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec(jdkCurve(curve)));
            return p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw notSupported("no curve " + curve);
        }
    }

    private static PublicKey publicKey(KeyFactory f, ECPublicKeySpec spec) throws GeneralSecurityException {
        return f.generatePublic(spec);
    }

    /** An uncompressed point, 0x04 then x then y. */
    private static ECPoint point(byte[] raw, ECParameterSpec params) {
        int size = (params.getCurve().getField().getFieldSize() + 7) / 8;
        if (raw.length != 1 + 2 * size || raw[0] != 4) {
            throw new Refusal(
                    "DataError", "a raw EC public key is an uncompressed point of " + (1 + 2 * size) + " bytes");
        }
        return new ECPoint(
                unsigned(Arrays.copyOfRange(raw, 1, 1 + size)),
                unsigned(Arrays.copyOfRange(raw, 1 + size, raw.length)));
    }

    private static String ecKey(java.security.Key k, String curve) {
        String type = k instanceof ECPrivateKey ? "private" : "public";
        if (!(k instanceof ECPrivateKey) && !(k instanceof ECPublicKey)) {
            throw new Refusal("DataError", "not an EC key");
        }
        ObjectNode j = keyNode(type, k.getEncoded());
        j.put("namedCurve", curve);
        return j.toString();
    }

    private static String rsaKey(java.security.Key k) {
        BigInteger modulus, exponent;
        if (k instanceof RSAPublicKey p) {
            modulus = p.getModulus();
            exponent = p.getPublicExponent();
        } else if (k instanceof RSAPrivateCrtKey p) {
            modulus = p.getModulus();
            exponent = p.getPublicExponent();
        } else {
            throw new Refusal("DataError", "not an RSA key with its public exponent");
        }
        ObjectNode j = keyNode(k instanceof PublicKey ? "public" : "private", k.getEncoded());
        j.put("modulusLength", modulus.bitLength());
        j.put("publicExponent", JsWire.latin1(magnitude(exponent)));
        return j.toString();
    }

    private static String secret(String type, byte[] k) {
        return keyNode(type, k).put("length", k.length * 8).toString();
    }

    private static String key(String type, byte[] material) {
        return keyNode(type, material).toString();
    }

    private static ObjectNode keyNode(String type, byte[] material) {
        return JSON.createObjectNode().put("type", type).put("material", JsWire.latin1(material));
    }

    private static void requireType(String type, String wanted, String op) {
        if (!type.equals(wanted)) {
            throw new Refusal("InvalidAccessError", "a " + type + " key cannot " + op + " (a " + wanted + " key can)");
        }
    }

    private static JsonNode jwk(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new Refusal("DataError", "the JWK is not JSON");
        }
    }

    private static byte[] octets(JsonNode jwk, String member) {
        JsonNode v = jwk.get(member);
        if (v == null || !v.isTextual()) {
            throw new Refusal("DataError", "the JWK has no '" + member + "'");
        }
        try {
            return Base64.getUrlDecoder().decode(v.asText());
        } catch (IllegalArgumentException e) {
            throw new Refusal("DataError", "the JWK's '" + member + "' is not base64url");
        }
    }

    private static byte[] bytes(JsonNode alg, String member) {
        return JsWire.bytes(alg.path(member).asText(""));
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static BigInteger unsigned(byte[] b) {
        return new BigInteger(1, b);
    }

    private static byte[] magnitude(BigInteger n) {
        byte[] b = n.toByteArray();
        return b.length > 1 && b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static byte[] fixed(BigInteger n, int size) {
        byte[] m = magnitude(n), out = new byte[size];
        System.arraycopy(m, 0, out, size - m.length, m.length);
        return out;
    }

    private static byte[] exactly(byte[] b, int length) {
        if (b.length != length) {
            throw new Refusal("DataError", "the key is " + length + " bytes, not " + b.length);
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static Refusal notSupported(String why) {
        return new Refusal("NotSupportedError", why);
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
