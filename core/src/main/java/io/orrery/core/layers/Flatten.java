package io.orrery.core.layers;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Flattens every axis but the batch axis, as {@code keras.layers.Flatten}: (batch, 28, 28) becomes (batch, 784). */
public final class Flatten extends Layer implements FusedLayer {

    private final Map<String, INDArray> buffers = new HashMap<>();
    /** Host copies for the float32 transposes (grown to the largest batch seen). */
    private float[] hostIn = new float[0];
    private float[] hostOut = new float[0];

    public static Flatten fromConfig(Map<String, Object> config) {
        Flatten f = new Flatten();
        f.setName((String) config.get("name"));
        return f;
    }

    @Override
    public Tensor call(Tensor inputs) {
        return Ops.reshape(inputs, inputs.shape()[0], product(inputs.shape(), 1));
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        return new long[]{inputShape[0], product(inputShape, 1)};
    }

    @Override
    public void bindGradients(List<INDArray> gradientViews) {
    }

    /**
     * Copies into a reused f-order (batch, features) buffer, the layout the next Dense's product wants; row-major
     * flattening of channels-last data, so the features are in Keras's order.
     */
    @Override
    public INDArray forward(INDArray input, boolean training) {
        long batch = input.size(0);
        INDArray out = buffer("out:" + batch + ":" + input.dataType(), input.dataType(), 'f', batch, product(input.shape(), 1));
        if (transpose(input, out, (int) batch, (int) out.size(1), true)) {
            return out;
        }
        INDArray flat = HostCopy.isCContiguous(input) ? input.reshape('c', batch, out.size(1)) : input.dup('c').reshape('c', batch, out.size(1));
        return out.assign(flat);
    }

    @Override
    public INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        INDArray dx = buffer("dx:" + input.size(0) + ":" + input.dataType(), input.dataType(), 'c', input.shape());
        if (transpose(gradOutput, dx, (int) input.size(0), (int) gradOutput.size(1), false)) {
            return dx;
        }
        dx.reshape('c', gradOutput.shape()).assign(gradOutput);
        return dx;
    }

    /**
     * Float32 (batch, features) between row-major {@code (batch, ...)} data and a column-major matrix, as one bulk
     * read, a Java transpose and one bulk write: ND4J's strided assign took 0.2 ms each way for the book's convnet,
     * on one thread while the others waited. {@code toColumnMajor}: {@code from} is the c-order input; otherwise
     * {@code from} is the f-order gradient. False (nothing done) for other types and layouts.
     */
    private boolean transpose(INDArray from, INDArray to, int batch, int features, boolean toColumnMajor) {
        boolean layouts = toColumnMajor ? HostCopy.isCContiguous(from) && HostCopy.isFContiguous(to)
                : HostCopy.isFContiguous(from) && HostCopy.isCContiguous(to);
        if (from.dataType() != DataType.FLOAT || to.dataType() != DataType.FLOAT || !layouts) {
            return false;
        }
        int n = batch * features;
        if (hostIn.length < n) {
            hostIn = new float[n];
            hostOut = new float[n];
        }
        HostCopy.read(from, hostIn, 0, n);
        // row-major (batch, features) <-> column-major: element (b, j) at b * features + j <-> j * batch + b
        int rows = toColumnMajor ? batch : features;
        int cols = toColumnMajor ? features : batch;
        for (int r = 0; r < rows; r++) {
            for (int c = 0, i = r * cols; c < cols; c++, i++) {
                hostOut[c * rows + r] = hostIn[i];
            }
        }
        HostCopy.write(hostOut, to, 0, n);
        return true;
    }

    private INDArray buffer(String key, DataType type, char order, long... shape) {
        INDArray b = buffers.get(key);
        if (b == null) {
            b = Nd4j.createUninitialized(type, shape, order);
            buffers.put(key, b);
        }
        return b;
    }
}
