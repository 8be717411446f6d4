package io.orrery.core.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The content of an IDX file of unsigned bytes (type 0x08), in compact form: its dimensions and its payload.
 *
 * <p>MNIST images are {@code dims = [60000, 28, 28]} with 47,040,000 payload bytes; labels are {@code [60000]}.
 * This form is a quarter of the size of the float32 tensor, which is why it is kept: it is what to ship to another
 * JVM. {@link #toFloat32()} and {@link #toInt32()} convert to ND4J arrays.
 *
 * <p>The header of an IDX file of unsigned bytes is fully determined by its dimensions, so {@link #sha256()} equals
 * the SHA-256 of the raw (uncompressed) file this content was read from.
 */
public final class IdxFile {

    /** IDX data type code of unsigned bytes, the only one MNIST-style files use. */
    public static final int UNSIGNED_BYTE = 0x08;

    /** Largest payload this class holds: the largest Java array. */
    static final long MAX_PAYLOAD_BYTES = Integer.MAX_VALUE - 8;

    /** Float values converted per chunk; bounds the temporary heap array while filling an off-heap tensor. */
    private static final int CONVERT_CHUNK = 1 << 16;

    private final int[] dims;
    private final byte[] data;

    /**
     * @param dims dimensions, outermost first (e.g. {@code [n, 28, 28]}); at least one, none negative
     * @param data payload in row-major order; its length must equal the product of {@code dims}. Not copied.
     */
    public IdxFile(int[] dims, byte[] data) {
        if (dims == null || dims.length == 0 || dims.length > 255) {
            throw new IllegalArgumentException("IDX dimensions: expected 1..255 dimensions, found "
                    + (dims == null ? "null" : dims.length));
        }
        long expected = payloadBytes(dims);
        if (data == null || data.length != expected) {
            throw new IllegalArgumentException("IDX payload for dimensions " + Arrays.toString(dims) + ": expected "
                    + expected + " bytes, found " + (data == null ? "null" : data.length));
        }
        this.dims = dims.clone();
        this.data = data;
    }

    /** Product of {@code dims}; rejects negative dimensions and products beyond {@link #MAX_PAYLOAD_BYTES}. */
    static long payloadBytes(int[] dims) {
        long product = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("IDX dimensions " + Arrays.toString(dims)
                        + ": expected non-negative sizes");
            }
            product *= d;
            if (product > MAX_PAYLOAD_BYTES) {
                throw new IllegalArgumentException("IDX dimensions " + Arrays.toString(dims) + " describe more than "
                        + MAX_PAYLOAD_BYTES + " bytes, the most this reader holds in memory");
            }
        }
        return product;
    }

    /** Dimensions, outermost first (a copy). */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code i}. */
    public int dim(int i) {
        return dims[i];
    }

    /** Number of samples: the size of the first dimension. */
    public int count() {
        return dims[0];
    }

    /**
     * The payload, row-major, one unsigned byte per element ({@code data()[i] & 0xFF}).
     * Not copied, because it can be 47 MB: callers must not modify it.
     */
    public byte[] data() {
        return data;
    }

    /** Element {@code i} of the flat payload as 0..255. */
    public int unsignedByte(int i) {
        return data[i] & 0xFF;
    }

    /**
     * Samples {@code from} (inclusive) to {@code to} (exclusive) along the first dimension, as a new file (copied).
     *
     * @throws IndexOutOfBoundsException if the range is not within {@code 0..count()}
     */
    public IdxFile samples(int from, int to) {
        if (from < 0 || to > count() || from > to) {
            throw new IndexOutOfBoundsException("sample range [" + from + ", " + to + "): expected within [0, "
                    + count() + "]");
        }
        int sampleBytes = count() == 0 ? 0 : data.length / count();
        int[] subDims = dims.clone();
        subDims[0] = to - from;
        return new IdxFile(subDims, Arrays.copyOfRange(data, from * sampleBytes, to * sampleBytes));
    }

    /** The IDX header for these dimensions: magic {@code 00 00 08 rank}, then each dimension big-endian. */
    public byte[] header() {
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * dims.length).order(ByteOrder.BIG_ENDIAN);
        header.put((byte) 0).put((byte) 0).put((byte) UNSIGNED_BYTE).put((byte) dims.length);
        for (int d : dims) {
            header.putInt(d);
        }
        return header.array();
    }

    /** SHA-256 (lower-case hex) of the raw IDX file: header followed by payload. */
    public String sha256() {
        return Sha256.hex(header(), data);
    }

    /** Writes the raw (uncompressed) IDX file: header, then payload. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(header());
        out.write(data);
    }

    /** Dimensions as ND4J's {@code long[]} shape. */
    public long[] shape() {
        return Arrays.stream(dims).asLongStream().toArray();
    }

    /**
     * The payload as a float32 tensor of shape {@link #dims()} with values 0..255 (not scaled), e.g. MNIST images as
     * {@code [60000, 28, 28]}, like Keras's uint8 arrays. Divide by 255 for the usual [0, 1] input.
     */
    public INDArray toFloat32() {
        if (data.length == 0) {
            return Nd4j.create(DataType.FLOAT, shape());
        }
        if (!Nd4j.getEnvironment().isCPU()) {
            // A device backend keeps its own copy; go through ND4J's own host-to-device path.
            float[] values = new float[data.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = data[i] & 0xFF;
            }
            return Nd4j.create(values, shape(), DataType.FLOAT);
        }
        // On the CPU the tensor's buffer is host memory: fill it in chunks, so no heap float[] of the full size
        // (188 MB for MNIST's training images) is ever allocated.
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape(), 'c');
        FloatBuffer target = out.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        float[] chunk = new float[Math.min(CONVERT_CHUNK, data.length)];
        for (int offset = 0; offset < data.length; offset += chunk.length) {
            int n = Math.min(chunk.length, data.length - offset);
            for (int i = 0; i < n; i++) {
                chunk[i] = data[offset + i] & 0xFF;
            }
            target.put(chunk, 0, n);
        }
        return out;
    }

    /** The payload as an int32 tensor of shape {@link #dims()}, e.g. MNIST labels as {@code [60000]}. */
    public INDArray toInt32() {
        int[] values = new int[data.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = data[i] & 0xFF;
        }
        return Nd4j.createFromArray(values).reshape(shape());
    }

    @Override
    public String toString() {
        return "IdxFile[unsigned byte " + Arrays.toString(dims) + "]";
    }
}
