package io.orrery.core.layers;

import io.orrery.core.autodiff.GradientTape;
import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The two differentiable operations the convolution and pooling layers' tape path is built from: a fixed gather
 * (im2col, a pooling window, a max's argmax, zero padding) and its adjoint scatter-add. Each is the other's gradient,
 * so gradients of any order are recorded on open tapes.
 */
final class GatherOps {

    private GatherOps() {
    }

    /** {@code out[j] = x[plan(j)]} over x's c-order values, or 0 where the plan maps j to nothing. */
    static Tensor gather(Tensor x, GatherPlan plan, long... outShape) {
        long[] inShape = x.shape();
        INDArray value = apply(x.array(), plan, outShape, true);
        Tensor out = new Tensor(value);
        GradientTape.record(out, new Tensor[]{x}, g -> new Tensor[]{scatter(g, plan, inShape)});
        return out;
    }

    /** The adjoint of {@link #gather}: {@code out[plan(j)] += g[j]}, out of shape {@code inShape}. */
    static Tensor scatter(Tensor g, GatherPlan plan, long... inShape) {
        long[] gShape = g.shape();
        INDArray value = apply(g.array(), plan, inShape, false);
        Tensor out = new Tensor(value);
        GradientTape.record(out, new Tensor[]{g}, gg -> new Tensor[]{gather(gg, plan, gShape)});
        return out;
    }

    private static INDArray apply(INDArray in, GatherPlan plan, long[] outShape, boolean gather) {
        int expectedIn = gather ? plan.sourceLength : plan.targetLength;
        if (in.length() != expectedIn) {
            throw new IllegalStateException("gather plan built for " + expectedIn + " values applied to an array of shape "
                    + HostCopy.shape(in.shape()));
        }
        INDArray c = HostCopy.isCContiguous(in) ? in : in.dup('c');
        INDArray out = Nd4j.zeros(in.dataType(), outShape);
        if (in.dataType() == DataType.FLOAT) {
            float[] src = HostCopy.read(c, (float[]) null);
            float[] dst = new float[(int) out.length()];
            if (gather) {
                plan.gather(src, dst);
            } else {
                plan.scatterAdd(src, dst);
            }
            HostCopy.write(dst, out);
        } else {
            INDArray d = c.dataType() == DataType.DOUBLE ? c : c.castTo(DataType.DOUBLE);
            double[] src = HostCopy.read(d, (double[]) null);
            double[] dst = new double[(int) out.length()];
            if (gather) {
                plan.gather(src, dst);
            } else {
                plan.scatterAdd(src, dst);
            }
            INDArray result = Nd4j.create(dst, outShape, DataType.DOUBLE);
            return in.dataType() == DataType.DOUBLE ? result : result.castTo(in.dataType());
        }
        return out;
    }
}
