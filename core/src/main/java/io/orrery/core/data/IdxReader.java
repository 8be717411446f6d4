package io.orrery.core.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files of unsigned bytes (the MNIST format, {@code http://yann.lecun.com/exdb/mnist/}), raw or gzipped.
 *
 * <p>Gzip is recognised by its magic bytes {@code 1f 8b}, not by the file name, so a {@code .gz} file that was
 * already decompressed (as some browsers do) still reads. Everything is checked before it is trusted: the magic
 * number, the data type (only 0x08, unsigned byte), the dimension count and sizes, and that the payload is exactly
 * the product of the dimensions, neither truncated nor followed by extra bytes. The payload is read in bulk.
 */
public final class IdxReader {

    /** Read buffer for files and for the gzip decoder; large enough that bulk reads are a few system calls. */
    private static final int BUFFER_BYTES = 1 << 16;
    /** When a file is too long, count at most this many extra bytes for the message, then say "at least". */
    private static final long MAX_COUNTED_EXTRA_BYTES = 1L << 30;

    private IdxReader() {
    }

    /**
     * Reads an IDX file, raw or gzipped.
     *
     * @param file path of the file
     * @return its dimensions and payload
     * @throws IdxFormatException if the file is not a well-formed IDX file of unsigned bytes (message names the file)
     * @throws NoSuchFileException if there is no such file
     * @throws IOException on other read errors
     */
    public static IdxFile read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), IdxFile.MAX_PAYLOAD_BYTES);
        }
    }

    /**
     * Reads an IDX stream, raw or gzipped, to its end. Does not close {@code in}.
     *
     * @param in              the stream
     * @param source          name of the file or URL, used in error messages
     * @param maxPayloadBytes largest payload to accept; a header that announces more is rejected before anything is
     *                        allocated (guards against a hostile or broken download)
     * @return its dimensions and payload
     * @throws IdxFormatException if the content is not a well-formed IDX file of unsigned bytes
     * @throws IOException        on read errors
     */
    public static IdxFile read(InputStream in, String source, long maxPayloadBytes) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, BUFFER_BYTES);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        if (!gzip) {
            return parse(buffered, source, false, maxPayloadBytes);
        }
        try {
            return parse(new GZIPInputStream(buffered, BUFFER_BYTES), source, true, maxPayloadBytes);
        } catch (ZipException | EOFException e) {
            throw new IdxFormatException(source + ": gzip data is corrupt or cut off (" + e.getMessage()
                    + "); expected a complete gzipped IDX file. Delete it and fetch it again.", e);
        }
    }

    private static IdxFile parse(InputStream in, String source, boolean gzip, long maxPayloadBytes)
            throws IOException {
        String what = gzip ? source + " (gzip, sizes are of the decompressed content)" : source;
        byte[] magic = new byte[4];
        int got = readFully(in, magic, 0, 4);
        if (got < 4) {
            throw new IdxFormatException(what + ": too short to be an IDX file: expected at least 4 header bytes, "
                    + "found " + got + ".");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IdxFormatException(String.format(
                    "%s: not an IDX file: expected magic number 00 00 08 <rank>, found %02x %02x %02x %02x. "
                            + "Is it an HTML error page or another format? Delete it and fetch it again.",
                    what, magic[0], magic[1], magic[2], magic[3]));
        }
        int type = magic[2] & 0xFF;
        if (type != IdxFile.UNSIGNED_BYTE) {
            throw new IdxFormatException(String.format("%s: unsupported IDX data type 0x%02x (%s): only 0x08 "
                    + "(unsigned byte), the type of MNIST and Fashion-MNIST, is supported.", what, type,
                    typeName(type)));
        }
        int rank = magic[3] & 0xFF;
        if (rank == 0) {
            throw new IdxFormatException(what + ": IDX header declares 0 dimensions; expected at least 1.");
        }
        byte[] dimBytes = new byte[4 * rank];
        got = readFully(in, dimBytes, 0, dimBytes.length);
        if (got < dimBytes.length) {
            throw new IdxFormatException(what + ": truncated IDX header: " + rank + " dimensions need "
                    + (4 + dimBytes.length) + " header bytes, found " + (4 + got) + ".");
        }
        int headerBytes = 4 + dimBytes.length;
        ByteBuffer dimBuffer = ByteBuffer.wrap(dimBytes); // big-endian, as IDX is
        int[] dims = new int[rank];
        long payload = 1;
        for (int i = 0; i < rank; i++) {
            long d = Integer.toUnsignedLong(dimBuffer.getInt());
            payload *= d;
            if (d > Integer.MAX_VALUE || payload > maxPayloadBytes) {
                throw new IdxFormatException(what + ": IDX header declares dimension sizes "
                        + describeDims(dimBytes) + ", more than the " + maxPayloadBytes
                        + " payload bytes accepted here; the header is corrupt or this is not the expected file.");
            }
            dims[i] = (int) d;
        }
        byte[] data = new byte[(int) payload];
        long expectedTotal = headerBytes + payload;
        try {
            got = readFully(in, data, 0, data.length);
        } catch (EOFException e) {
            // The gzip decoder throws this when the compressed stream itself is cut off.
            throw new IdxFormatException(what + ": truncated: the gzip stream ends early (" + e.getMessage()
                    + "); expected " + expectedTotal + " bytes for dimensions " + Arrays.toString(dims)
                    + ". Delete it and fetch it again.", e);
        }
        if (got < data.length) {
            throw new IdxFormatException(what + ": truncated: dimensions " + Arrays.toString(dims) + " need "
                    + expectedTotal + " bytes (" + headerBytes + " header + " + payload + " payload), found "
                    + (headerBytes + got) + ". Delete it and fetch it again.");
        }
        if (in.read() != -1) {
            long extra = 1 + countRemaining(in);
            throw new IdxFormatException(what + ": too long: dimensions " + Arrays.toString(dims) + " need "
                    + expectedTotal + " bytes, found " + (extra > MAX_COUNTED_EXTRA_BYTES ? "more than " : "")
                    + (expectedTotal + Math.min(extra, MAX_COUNTED_EXTRA_BYTES))
                    + ". The file is corrupt or not the expected one. Delete it and fetch it again.");
        }
        return new IdxFile(dims, data);
    }

    /** Reads until {@code len} bytes or end of stream, in bulk; returns how many were read. */
    private static int readFully(InputStream in, byte[] buf, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n = in.read(buf, off + total, len - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static long countRemaining(InputStream in) throws IOException {
        byte[] skip = new byte[BUFFER_BYTES];
        long total = 0;
        int n;
        while (total <= MAX_COUNTED_EXTRA_BYTES && (n = in.read(skip)) >= 0) {
            total += n;
        }
        return total;
    }

    private static String describeDims(byte[] dimBytes) {
        ByteBuffer b = ByteBuffer.wrap(dimBytes);
        long[] dims = new long[dimBytes.length / 4];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = Integer.toUnsignedLong(b.getInt());
        }
        return Arrays.toString(dims);
    }

    private static String typeName(int type) {
        switch (type) {
            case 0x09: return "signed byte";
            case 0x0B: return "short";
            case 0x0C: return "int";
            case 0x0D: return "float";
            case 0x0E: return "double";
            default: return "not an IDX type";
        }
    }
}
