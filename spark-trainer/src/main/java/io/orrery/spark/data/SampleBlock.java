package io.orrery.spark.data;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The samples one input partition sends to one worker, as two flat arrays in index order. The split moves these
 * blocks instead of single samples: a shuffle of a few large arrays costs a fraction of one of 60,000 small
 * objects (measured in docs/benchmarks.md).
 */
public final class SampleBlock implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final long order;
    private final int width;
    private transient int count;
    private transient float[] features;
    private transient float[] labels;

    /**
     * @param order where the block goes in its worker's data: blocks are joined in ascending order (input partition,
     *              then block within it), which keeps the samples in the order of their global indices
     * @param features row-major, at least {@code count * width} values; not copied
     * @param labels class indices as floats, at least {@code count} values; not copied
     */
    public SampleBlock(long order, int width, int count, float[] features, float[] labels) {
        this.order = order;
        this.width = width;
        this.count = count;
        this.features = features;
        this.labels = labels;
    }

    public long order() {
        return order;
    }

    public int width() {
        return width;
    }

    public int count() {
        return count;
    }

    float[] features() {
        return features;
    }

    float[] labels() {
        return labels;
    }

    // Floats go through one byte array each: ObjectOutputStream would write a float[] value by value.
    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeInt(count);
        out.write(bytes(features, count * width));
        out.write(bytes(labels, count));
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        count = in.readInt();
        if (count < 0 || width <= 0 || (long) count * width > Integer.MAX_VALUE - 8) {
            throw new IOException("corrupt sample block: count=" + count + " width=" + width);
        }
        features = floats(in, count * width);
        labels = floats(in, count);
    }

    private static byte[] bytes(float[] values, int n) {
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(n, 4)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values, 0, n);
        return bytes.array();
    }

    private static float[] floats(ObjectInputStream in, int n) throws IOException {
        byte[] raw = new byte[Math.multiplyExact(n, 4)];
        in.readFully(raw);
        float[] values = new float[n];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
