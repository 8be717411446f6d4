package io.orrery.core.layers;

import io.orrery.core.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds rows and columns of zeros around channels-last images, as {@code keras.layers.ZeroPadding2D}: padding 1 by
 * default, or ((top, bottom), (left, right)).
 */
public final class ZeroPadding2D extends Layer implements FusedLayer {

    private final int top;
    private final int bottom;
    private final int left;
    private final int right;
    private final Map<String, State> states = new HashMap<>();

    public ZeroPadding2D() {
        this(1);
    }

    /** The same padding on all four sides. */
    public ZeroPadding2D(int padding) {
        this(padding, padding, padding, padding);
    }

    /** {@code ((top, bottom), (left, right))}. */
    public ZeroPadding2D(int top, int bottom, int left, int right) {
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw new IllegalArgumentException("ZeroPadding2D: padding must be non-negative, received ((" + top + ", " + bottom
                    + "), (" + left + ", " + right + "))");
        }
        this.top = top;
        this.bottom = bottom;
        this.left = left;
        this.right = right;
    }

    /** Rebuilds the layer from {@link #getConfig()}: padding as an int, (rows, cols), or ((top, bottom), (left, right)). */
    @SuppressWarnings("unchecked")
    public static ZeroPadding2D fromConfig(Map<String, Object> config) {
        Tuples.channelsLast(config.get("data_format"), "ZeroPadding2D");
        Object p = config.getOrDefault("padding", 1);
        ZeroPadding2D layer;
        if (p instanceof Number n) {
            layer = new ZeroPadding2D(n.intValue());
        } else {
            List<Object> pair = (List<Object>) p;
            if (pair.get(0) instanceof Number) {
                int rows = ((Number) pair.get(0)).intValue();
                int cols = ((Number) pair.get(1)).intValue();
                layer = new ZeroPadding2D(rows, rows, cols, cols);
            } else {
                List<Number> h = (List<Number>) pair.get(0);
                List<Number> w = (List<Number>) pair.get(1);
                layer = new ZeroPadding2D(h.get(0).intValue(), h.get(1).intValue(), w.get(0).intValue(), w.get(1).intValue());
            }
        }
        layer.setName((String) config.get("name"));
        return layer;
    }

    private void checkRank(long[] shape) {
        if (shape.length != 4) {
            throw new IllegalArgumentException("ZeroPadding2D " + name() + " expects inputs of shape (batch, height, width, channels), found "
                    + Arrays.toString(shape));
        }
    }

    @Override
    protected void build(long[] inputShape) {
        checkRank(inputShape);
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        checkRank(inputShape);
        ensureBuilt(inputShape);
        return new long[]{inputShape[0], inputShape[1] + top + bottom, inputShape[2] + left + right, inputShape[3]};
    }

    /** The output's source index per value, -1 for padding. */
    private int[] index(long[] inputShape) {
        int n = (int) inputShape[0];
        int h = (int) inputShape[1];
        int w = (int) inputShape[2];
        int c = (int) inputShape[3];
        int oh = h + top + bottom;
        int ow = w + left + right;
        int[] idx = new int[n * oh * ow * c];
        int j = 0;
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    int sy = y - top;
                    int sx = x - left;
                    boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                    for (int k = 0; k < c; k++) {
                        idx[j++] = inside ? ((b * h + sy) * w + sx) * c + k : -1;
                    }
                }
            }
        }
        return idx;
    }

    private final class State {
        final GatherPlan plan;
        final INDArray out;
        INDArray dx;
        float[] inF;
        float[] outF;
        float[] gradF;
        double[] inD;
        double[] outD;
        double[] gradD;

        State(INDArray input) {
            long[] shape = input.shape();
            plan = GatherPlan.of(index(shape), (int) input.length());
            out = Nd4j.zeros(input.dataType(), computeOutputShape(shape));
        }
    }

    private State state(INDArray input) {
        String key = input.size(0) + ":" + input.dataType();
        return states.computeIfAbsent(key, k -> new State(input));
    }

    @Override
    public Tensor call(Tensor inputs) {
        checkRank(inputs.shape());
        long[] out = computeOutputShape(inputs.shape());
        return GatherOps.gather(inputs, GatherPlan.of(index(inputs.shape()), (int) inputs.array().length()), out);
    }

    @Override
    public void bindGradients(List<INDArray> gradientViews) {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        checkRank(input.shape());
        HostCopy.checkType(input, name());
        State s = state(input);
        INDArray x = HostCopy.isCContiguous(input) ? input : input.dup('c');
        if (x.dataType() == DataType.FLOAT) {
            s.inF = HostCopy.read(x, s.inF);
            if (s.outF == null) {
                s.outF = new float[(int) s.out.length()];
            }
            s.plan.gather(s.inF, s.outF);
            HostCopy.write(s.outF, s.out);
        } else {
            s.inD = HostCopy.read(x, s.inD);
            if (s.outD == null) {
                s.outD = new double[(int) s.out.length()];
            }
            s.plan.gather(s.inD, s.outD);
            HostCopy.write(s.outD, s.out);
        }
        return s.out;
    }

    @Override
    public INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        State s = state(input);
        if (s.dx == null) {
            s.dx = Nd4j.createUninitialized(input.dataType(), input.shape(), 'c');
        }
        INDArray g = HostCopy.isCContiguous(gradOutput) ? gradOutput : gradOutput.dup('c');
        if (g.dataType() == DataType.FLOAT) {
            float[] go = s.gradF = HostCopy.read(g, s.gradF);
            Arrays.fill(s.inF, 0f);
            s.plan.scatterAdd(go, s.inF);
            HostCopy.write(s.inF, s.dx);
        } else {
            double[] go = s.gradD = HostCopy.read(g, s.gradD);
            Arrays.fill(s.inD, 0.0);
            s.plan.scatterAdd(go, s.inD);
            HostCopy.write(s.inD, s.dx);
        }
        return s.dx;
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = super.getConfig();
        config.put("padding", List.of(List.of(top, bottom), List.of(left, right)));
        config.put("data_format", "channels_last");
        return config;
    }
}
