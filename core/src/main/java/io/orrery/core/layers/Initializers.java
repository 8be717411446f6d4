package io.orrery.core.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

/** Keras's initializers by name: zeros, ones, random_normal, random_uniform, glorot_*, he_*, lecun_*. */
public final class Initializers {

    public static final List<String> NAMES = List.of("zeros", "ones", "random_normal", "random_uniform",
            "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal");

    private Initializers() {
    }

    public static Initializer get(String name) {
        return switch (name) {
            case "zeros" -> (shape, type, rng) -> Nd4j.zeros(type, shape);
            case "ones" -> (shape, type, rng) -> Nd4j.ones(type, shape);
            case "random_normal" -> (shape, type, rng) -> normal(shape, type, rng, 0.05);
            case "random_uniform" -> (shape, type, rng) -> uniform(shape, type, rng, 0.05);
            case "glorot_uniform" -> (shape, type, rng) -> uniform(shape, type, rng, Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape))));
            case "glorot_normal" -> (shape, type, rng) -> truncatedNormal(shape, type, rng, Math.sqrt(2.0 / (fanIn(shape) + fanOut(shape))));
            case "he_uniform" -> (shape, type, rng) -> uniform(shape, type, rng, Math.sqrt(6.0 / fanIn(shape)));
            case "he_normal" -> (shape, type, rng) -> truncatedNormal(shape, type, rng, Math.sqrt(2.0 / fanIn(shape)));
            case "lecun_uniform" -> (shape, type, rng) -> uniform(shape, type, rng, Math.sqrt(3.0 / fanIn(shape)));
            case "lecun_normal" -> (shape, type, rng) -> truncatedNormal(shape, type, rng, Math.sqrt(1.0 / fanIn(shape)));
            default -> throw new IllegalArgumentException("Invalid initializer: expected one of " + NAMES + ", received \"" + name + "\"");
        };
    }

    static long fanIn(long[] shape) {
        return shape.length == 0 ? 1 : shape.length == 1 ? shape[0] : shape[shape.length - 2] * receptiveField(shape);
    }

    static long fanOut(long[] shape) {
        return shape.length == 0 ? 1 : shape.length == 1 ? shape[0] : shape[shape.length - 1] * receptiveField(shape);
    }

    /** Keras's receptive field of a convolution kernel (kh, kw, in, out): the product of all axes but the last two. */
    private static long receptiveField(long[] shape) {
        long r = 1;
        for (int i = 0; i < shape.length - 2; i++) {
            r *= shape[i];
        }
        return r;
    }

    private static INDArray uniform(long[] shape, DataType type, Random rng, double limit) {
        double[] v = new double[(int) length(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (rng.nextDouble() * 2 - 1) * limit;
        }
        return Nd4j.create(v, shape, type);
    }

    private static INDArray normal(long[] shape, DataType type, Random rng, double stddev) {
        double[] v = new double[(int) length(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian() * stddev;
        }
        return Nd4j.create(v, shape, type);
    }

    /** Keras's variance-scaling normal: a normal truncated at two standard deviations, rescaled to keep the variance. */
    private static INDArray truncatedNormal(long[] shape, DataType type, Random rng, double stddev) {
        double scaled = stddev / 0.87962566103423978;
        double[] v = new double[(int) length(shape)];
        for (int i = 0; i < v.length; i++) {
            double x;
            do {
                x = rng.nextGaussian();
            } while (Math.abs(x) > 2.0);
            v[i] = x * scaled;
        }
        return Nd4j.create(v, shape, type);
    }

    private static long length(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
