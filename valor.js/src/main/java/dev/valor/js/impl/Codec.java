package dev.valor.js.impl;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * What a {@code CompressionStream} or {@code DecompressionStream} (45-streams.js) turns its chunks
 * into, on the JDK's zlib: gzip (RFC 1952, the JDK's raw deflate between the header and trailer
 * written and checked here), deflate (zlib, RFC 1950) and deflate-raw (RFC 1951). One per stream;
 * each chunk in, what zlib gives back so far out.
 */
abstract class Codec {

    /** Most one chunk may inflate to: as much as a plugin's default memory bound. */
    static final int MAX_CHUNK_OUT = 64 * 1024 * 1024;

    /** The gzip header Node and zlib write: no name, no time, OS Unix. */
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

    /**
     * The codec as the script sees it: {@code push(latin1)} and {@code end()}, each giving
     * {@code [null, latin1]} or {@code [message, null]} when the data is not what the format says.
     */
    static ProxyObject open(Value... args) {
        String format = args[0].asString();
        boolean compress = args[1].asBoolean();
        Codec codec = compress ? new Compress(format) : new Decompress(format);
        return ProxyObject.fromMap(Map.of(
                "push", (ProxyExecutable) a -> codec.answer(JsWire.bytes(a[0].asString()), false),
                "end", (ProxyExecutable) a -> codec.answer(null, true)));
    }

    private Object answer(byte[] chunk, boolean end) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (chunk != null) {
                push(chunk, out);
            }
            if (end) {
                end(out);
            }
            return ProxyArray.fromArray(null, JsWire.latin1(out.toByteArray()));
        } catch (DataFormatException | IllegalStateException e) {
            release();
            return ProxyArray.fromArray(String.valueOf(e.getMessage()), null);
        }
    }

    abstract void push(byte[] chunk, ByteArrayOutputStream out) throws DataFormatException;

    abstract void end(ByteArrayOutputStream out) throws DataFormatException;

    abstract void release();

    private static void check(String format) {
        if (!format.equals("gzip") && !format.equals("deflate") && !format.equals("deflate-raw")) {
            throw new IllegalArgumentException("no compression format " + format);
        }
    }

    private static final class Compress extends Codec {
        private final Deflater deflater;
        private final CRC32 crc;
        private final byte[] buffer = new byte[8192];
        private boolean started;

        Compress(String format) {
            check(format);
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, !format.equals("deflate"));
            crc = format.equals("gzip") ? new CRC32() : null;
        }

        @Override
        void push(byte[] chunk, ByteArrayOutputStream out) {
            header(out);
            if (crc != null) {
                crc.update(chunk);
            }
            deflater.setInput(chunk);
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        }

        @Override
        void end(ByteArrayOutputStream out) {
            header(out);
            deflater.finish();
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            if (crc != null) {
                int sum = (int) crc.getValue(), size = (int) deflater.getBytesRead();
                out.write(
                        new byte[] {
                            (byte) sum, (byte) (sum >> 8), (byte) (sum >> 16), (byte) (sum >> 24),
                            (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)
                        },
                        0,
                        8);
            }
            release();
        }

        private void header(ByteArrayOutputStream out) {
            if (!started && crc != null) {
                out.write(GZIP_HEADER, 0, GZIP_HEADER.length);
            }
            started = true;
        }

        @Override
        void release() {
            deflater.end();
        }
    }

    private static final class Decompress extends Codec {
        private final Inflater inflater;
        private final boolean gzip;
        private final CRC32 crc = new CRC32();
        private final byte[] buffer = new byte[8192];
        /** Bytes of a gzip header or trailer not complete yet. */
        private byte[] pending = new byte[0];

        private boolean inBody;

        Decompress(String format) {
            check(format);
            gzip = format.equals("gzip");
            inflater = new Inflater(!format.equals("deflate"));
            inBody = !gzip;
        }

        @Override
        void push(byte[] chunk, ByteArrayOutputStream out) throws DataFormatException {
            byte[] data = chunk;
            if (!inBody && !inflater.finished()) {
                byte[] all = concat(pending, data);
                int header = headerLength(all);
                if (header < 0) {
                    pending = all; // the header is still arriving
                    return;
                }
                pending = new byte[0];
                inBody = true;
                data = Arrays.copyOfRange(all, header, all.length);
            }
            if (inflater.finished()) {
                pending = concat(pending, data); // the trailer, or what follows the end
                return;
            }
            inflater.setInput(data);
            while (!inflater.finished() && !inflater.needsInput()) {
                if (out.size() > MAX_CHUNK_OUT) {
                    // A bomb is cut here, before the memory bound would have to catch a Java loop.
                    throw new DataFormatException("a chunk inflates past " + MAX_CHUNK_OUT + " bytes");
                }
                int n = inflater.inflate(buffer);
                if (n == 0 && inflater.needsDictionary()) {
                    throw new DataFormatException("the stream needs a preset dictionary");
                }
                out.write(buffer, 0, n);
                if (gzip) {
                    crc.update(buffer, 0, n);
                }
            }
            if (inflater.finished()) {
                int left = inflater.getRemaining();
                pending = concat(pending, Arrays.copyOfRange(data, data.length - left, data.length));
            }
        }

        @Override
        void end(ByteArrayOutputStream out) throws DataFormatException {
            try {
                if (!inflater.finished()) {
                    throw new DataFormatException("the compressed data ended before its end");
                }
                if (gzip) {
                    if (pending.length < 8) {
                        throw new DataFormatException("the gzip trailer is missing");
                    }
                    long sum = le32(pending, 0), size = le32(pending, 4);
                    if (sum != crc.getValue() || size != (inflater.getBytesWritten() & 0xffffffffL)) {
                        throw new DataFormatException("the gzip trailer does not match the data");
                    }
                    if (pending.length > 8) {
                        throw new DataFormatException("data after the end of the gzip member");
                    }
                } else if (pending.length > 0) {
                    throw new DataFormatException("data after the end of the compressed stream");
                }
            } finally {
                release();
            }
        }

        /** The gzip header's length once all of it is there, -1 before; wrong magic fails. */
        private static int headerLength(byte[] b) throws DataFormatException {
            if (b.length >= 2 && ((b[0] & 0xff) != 0x1f || (b[1] & 0xff) != 0x8b)) {
                throw new DataFormatException("not gzip data (incorrect header check)");
            }
            if (b.length < 10) {
                return -1;
            }
            if (b[2] != 8) {
                throw new DataFormatException("gzip data of an unknown compression method");
            }
            int flags = b[3] & 0xff, at = 10;
            if ((flags & 4) != 0) { // FEXTRA
                if (b.length < at + 2) {
                    return -1;
                }
                at += 2 + ((b[at] & 0xff) | (b[at + 1] & 0xff) << 8);
            }
            for (int flag : new int[] {8, 16}) { // FNAME, FCOMMENT: zero-terminated
                if ((flags & flag) != 0) {
                    while (at < b.length && b[at] != 0) {
                        at++;
                    }
                    if (at >= b.length) {
                        return -1;
                    }
                    at++;
                }
            }
            if ((flags & 2) != 0) { // FHCRC
                at += 2;
            }
            return at <= b.length ? at : -1;
        }

        @Override
        void release() {
            inflater.end();
        }
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
