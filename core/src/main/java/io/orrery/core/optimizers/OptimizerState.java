package io.orrery.core.optimizers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The mutable state of an optimizer over one flat parameter slice: the iteration counter and the slot vectors.
 *
 * <p>Slots are flat vectors of the slice's length, so a model's optimizer state is itself flat (docs/architecture.md,
 * invariant 1) and a parameter-server shard can own exactly its part.
 */
public final class OptimizerState {

    private static final int FORMAT_VERSION = 1;

    private long iterations;
    private final INDArray[] slots;
    private final long size;
    private INDArray[] scratch;

    public OptimizerState(long iterations, INDArray[] slots) {
        this.iterations = iterations;
        this.slots = slots;
        this.size = slots.length == 0 ? -1 : slots[0].length();
        for (INDArray slot : slots) {
            if (slot.length() != size) {
                throw new IllegalArgumentException("all optimizer slots must have one length, found " + slot.length() + " and " + size);
            }
        }
    }

    /** Completed steps (Keras's {@code optimizer.iterations}). */
    public long iterations() {
        return iterations;
    }

    public void setIterations(long iterations) {
        this.iterations = iterations;
    }

    void advance() {
        iterations++;
    }

    public INDArray[] slots() {
        return slots;
    }

    /** Slice length; -1 for an optimizer with no slots (plain SGD), which fits any length. */
    long size() {
        return size;
    }

    /** Lazily sized scratch vectors, reused by every update of equal length and type. */
    INDArray[] scratchFor(INDArray like, int count) {
        if (scratch == null || scratch.length < count || scratch[0].length() != like.length()
                || scratch[0].dataType() != like.dataType()) {
            scratch = new INDArray[count];
            for (int i = 0; i < count; i++) {
                scratch[i] = Nd4j.createUninitialized(like.dataType(), like.length());
            }
        }
        return scratch;
    }

    /** Writes iterations and slots (float values in the slots' type) to a stream. */
    public void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(FORMAT_VERSION);
        out.writeLong(iterations);
        out.writeInt(slots.length);
        for (INDArray slot : slots) {
            out.writeLong(slot.length());
            double[] values = slot.toDoubleVector();
            for (double v : values) {
                out.writeDouble(v);
            }
        }
    }

    /** Reads state written by {@link #writeTo} into a new state of the given data type. */
    public static OptimizerState readFrom(DataInputStream in, DataType dataType) throws IOException {
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw new IOException("optimizer state: expected format version " + FORMAT_VERSION + ", found " + version
                    + "; the file was written by a different Orrery version");
        }
        long iterations = in.readLong();
        int count = in.readInt();
        if (count < 0 || count > 16) {
            throw new IOException("optimizer state: expected 0..16 slots, found " + count + "; the file is corrupt");
        }
        INDArray[] slots = new INDArray[count];
        for (int i = 0; i < count; i++) {
            long n = in.readLong();
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw new IOException("optimizer state: slot " + i + " has impossible length " + n + "; the file is corrupt");
            }
            double[] values = new double[(int) n];
            for (int j = 0; j < n; j++) {
                values[j] = in.readDouble();
            }
            slots[i] = Nd4j.createFromArray(values).castTo(dataType);
        }
        return new OptimizerState(iterations, slots);
    }
}
