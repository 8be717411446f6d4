package io.orrery.core.data;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One split of an image-classification dataset: images and their labels, like one {@code (x, y)} pair of Keras's
 * {@code mnist.load_data()}.
 *
 * <p>Holds the compact IDX form ({@link #imagesIdx()}, {@link #labelsIdx()}, one byte per value) and converts it to
 * ND4J tensors on first use of {@link #images()} or {@link #labels()}, then keeps those. Thread-safe.
 */
public final class LabeledImages {

    private final IdxFile imagesIdx;
    private final IdxFile labelsIdx;
    private INDArray images;
    private INDArray labels;

    /**
     * @param imagesIdx images, dimensions {@code [n, rows, cols]}
     * @param labelsIdx labels, dimensions {@code [n]}
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    public LabeledImages(IdxFile imagesIdx, IdxFile labelsIdx) {
        if (imagesIdx.rank() != 3) {
            throw new IllegalArgumentException("images: expected 3 dimensions [n, rows, cols], found "
                    + Arrays.toString(imagesIdx.dims()));
        }
        if (labelsIdx.rank() != 1) {
            throw new IllegalArgumentException("labels: expected 1 dimension [n], found "
                    + Arrays.toString(labelsIdx.dims()));
        }
        if (imagesIdx.count() != labelsIdx.count()) {
            throw new IllegalArgumentException("images and labels: expected the same number of samples, found "
                    + imagesIdx.count() + " images and " + labelsIdx.count() + " labels");
        }
        this.imagesIdx = imagesIdx;
        this.labelsIdx = labelsIdx;
    }

    /** Number of samples. */
    public int size() {
        return imagesIdx.count();
    }

    /** Images as float32 of shape {@code [n, rows, cols]} (MNIST: {@code [60000, 28, 28]}), values 0..255. */
    public synchronized INDArray images() {
        if (images == null) {
            images = imagesIdx.toFloat32();
        }
        return images;
    }

    /**
     * Images as float32 of shape {@code [n, sampleShape...]}, values 0..255, a view of {@link #images()} in row-major
     * order: {@code images(28, 28, 1)} for a convnet's channels-last input, {@code images(784)} for an MLP. Pass the
     * model's own input shape to fit a built model ({@code model.inputShape()} without its batch axis).
     *
     * @throws IllegalArgumentException if the sample shape does not hold rows x cols values
     */
    public INDArray images(long... sampleShape) {
        int[] dims = imagesIdx.dims();
        long per = (long) dims[1] * dims[2];
        long asked = 1;
        for (long d : sampleShape) {
            asked *= d;
        }
        if (asked != per || sampleShape.length == 0) {
            throw new IllegalArgumentException("images: expected a sample shape of " + per + " values (e.g. [" + dims[1] + ", "
                    + dims[2] + ", 1] or [" + per + "]), found " + Arrays.toString(sampleShape));
        }
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = size();
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return images().reshape('c', shape);
    }

    /** Labels as int32 of shape {@code [n]}, class indices (MNIST: digits 0..9). */
    public synchronized INDArray labels() {
        if (labels == null) {
            labels = labelsIdx.toInt32();
        }
        return labels;
    }

    /** Images in compact form, one unsigned byte per pixel. */
    public IdxFile imagesIdx() {
        return imagesIdx;
    }

    /** Labels in compact form, one unsigned byte per label. */
    public IdxFile labelsIdx() {
        return labelsIdx;
    }

    /** Label of sample {@code i}. */
    public int label(int i) {
        return labelsIdx.unsignedByte(i);
    }

    /** Samples {@code from} (inclusive) to {@code to} (exclusive), copied; for subsets in tests and examples. */
    public LabeledImages samples(int from, int to) {
        return new LabeledImages(imagesIdx.samples(from, to), labelsIdx.samples(from, to));
    }

    @Override
    public String toString() {
        return "LabeledImages[images " + Arrays.toString(imagesIdx.dims()) + ", labels "
                + Arrays.toString(labelsIdx.dims()) + "]";
    }
}
