package io.orrery.core.autodiff;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The tape against central finite differences on hundreds of random expressions (seeded, float64): first-order
 * gradients, and second order as Hessian-vector products (an outer tape differentiating an inner tape's gradient)
 * against finite differences of the tape's own gradient.
 *
 * <p>Each check is along a random direction (two per expression and order), so one failure names the expression
 * but not the element; {@code GradCheck} in the tensor tests checks element by element for single operations.
 *
 * <p>Each expression maps two [2, 3] inputs to a [2, 3] tensor; shape-moving operations (transposes, concat and
 * slices, stacks, tiles and strided slices, pads, gathers, batched matmuls, reductions broadcast back) go out to
 * other shapes and come back, so every operation sits between others. Functions with kinks (relu, abs, maximum)
 * are left out: finite differences across a kink measure nothing. So is {@code stopGradient}, whose value changes
 * with its input while its gradient is zero by definition.
 */
class RandomExpressionGradientTest {

    private static final int EXPRESSIONS = 300;
    private static final int MAX_DEPTH = 4;
    private static final double H = 1e-5;
    private static final double TOLERANCE = 2e-5;
    private static final int DIRECTIONS = 2;

    private interface Expr extends Function<Tensor[], Tensor> {
    }

    private record Node(String text, Expr expr) {
    }

    @Test
    void firstAndSecondOrderGradientsMatchFiniteDifferencesOnRandomExpressions() {
        Random random = new Random(20261202L);
        long cpuStartNs = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        int checks = 0;
        List<String> failures = new ArrayList<>();
        for (int n = 0; n < EXPRESSIONS; n++) {
            Node node = generate(random, MAX_DEPTH);
            INDArray[] x = {uniform(random, 2, 3), uniform(random, 2, 3)};
            INDArray weights = uniform(random, 2, 3);
            INDArray[] v = {uniform(random, 2, 3), uniform(random, 2, 3)};
            try {
                for (int d = 0; d < DIRECTIONS; d++) {
                    INDArray[] direction = {uniform(random, 2, 3), uniform(random, 2, 3)};
                    checkFirstOrder(node, x, weights, direction);
                    checkSecondOrder(node, x, weights, v, direction);
                    checks += 2;
                }
            } catch (AssertionError | RuntimeException e) {
                failures.add("expression " + n + ": " + node.text() + "\n  " + e);
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + EXPRESSIONS + " expressions failed:\n" + String.join("\n", failures));
        }
        assertEquals(EXPRESSIONS * DIRECTIONS * 2, checks);
        System.out.printf("random expressions: %d, checks %d, thread CPU %.1f s%n", EXPRESSIONS, checks,
                (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStartNs) / 1e9);
    }

    /**
     * The tape's gradient of {@code f = sum(expr(x) * w)} along a direction {@code d}, {@code grad f . d}, against
     * {@code (f(x + h d) - f(x - h d)) / 2h}.
     */
    private static void checkFirstOrder(Node node, INDArray[] x, INDArray weights, INDArray[] d) {
        Variable[] vars = variables(x);
        List<Tensor> grads;
        try (GradientTape tape = new GradientTape()) {
            grads = tape.gradient(scalar(node, vars, weights), List.of(vars[0], vars[1]));
        }
        double analytic = dot(grads, d);
        double plus = scalar(node, variables(shifted(x, d, H)), weights).item();
        double minus = scalar(node, variables(shifted(x, d, -H)), weights).item();
        assertClose((plus - minus) / (2 * H), analytic, "first order along a random direction");
    }

    /**
     * Second order: the Hessian-vector product {@code H v} from nested tapes, along {@code d}, against central
     * differences of the tape's own gradient: {@code (grad f(x + h d) - grad f(x - h d)) . v / 2h}.
     */
    private static void checkSecondOrder(Node node, INDArray[] x, INDArray weights, INDArray[] v, INDArray[] d) {
        Variable[] vars = variables(x);
        List<Tensor> hv;
        try (GradientTape outer = new GradientTape()) {
            Tensor gv = gradientDotDirection(node, vars, weights, v);
            hv = outer.gradient(gv, List.of(vars[0], vars[1]));
        }
        double analytic = dot(hv, d);
        double plus = gradientDotDirection(node, variables(shifted(x, d, H)), weights, v).item();
        double minus = gradientDotDirection(node, variables(shifted(x, d, -H)), weights, v).item();
        assertClose((plus - minus) / (2 * H), analytic, "second order (Hv) along a random direction");
    }

    /** {@code grad(f)(x) . v}, computed with a tape (recorded by any outer tape). */
    private static Tensor gradientDotDirection(Node node, Variable[] vars, INDArray weights, INDArray[] v) {
        List<Tensor> g;
        try (GradientTape inner = new GradientTape()) {
            g = inner.gradient(scalar(node, vars, weights), List.of(vars[0], vars[1]));
        }
        Tensor total = Tensor.of(Nd4j.scalar(0.0));
        for (int k = 0; k < 2; k++) {
            if (g.get(k) != null) {
                total = Ops.add(total, Ops.sum(Ops.mul(g.get(k), Tensor.of(v[k]))));
            }
        }
        return total;
    }

    private static Variable[] variables(INDArray[] x) {
        return new Variable[]{new Variable(x[0].dup(), "x0", true), new Variable(x[1].dup(), "x1", true)};
    }

    private static INDArray[] shifted(INDArray[] x, INDArray[] d, double h) {
        return new INDArray[]{x[0].add(d[0].mul(h)), x[1].add(d[1].mul(h))};
    }

    private static double dot(List<Tensor> grads, INDArray[] d) {
        double total = 0;
        for (int k = 0; k < 2; k++) {
            if (grads.get(k) != null) {
                total += grads.get(k).array().mul(d[k]).sumNumber().doubleValue();
            }
        }
        return total;
    }

    private static Tensor scalar(Node node, Variable[] vars, INDArray weights) {
        return Ops.sum(Ops.mul(node.expr().apply(vars), Tensor.of(weights)));
    }

    private static void assertClose(double numeric, double analytic, String what) {
        assertEquals(numeric, analytic, TOLERANCE * Math.max(1.0, Math.abs(numeric)), what);
    }

    private static INDArray uniform(Random random, long... shape) {
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (int i = 0; i < a.length(); i++) {
            a.putScalar(i, random.nextDouble() * 2 - 1);
        }
        return a;
    }

    // ---------------------------------------------------------------- the generator

    /** A random expression of two [2, 3] inputs giving a [2, 3] tensor. */
    private static Node generate(Random r, int depth) {
        if (depth == 0 || r.nextInt(5) == 0) {
            int k = r.nextInt(2);
            return new Node("x" + k, in -> in[k]);
        }
        int choice = r.nextInt(3);
        return choice == 0 ? unary(r, depth) : choice == 1 ? binary(r, depth) : shaped(r, depth);
    }

    private static Node unary(Random r, int depth) {
        Node a = generate(r, depth - 1);
        int axis = r.nextInt(2);
        boolean flag = r.nextBoolean();
        return switch (r.nextInt(22)) {
            case 0 -> wrap("sin", a, Ops::sin);
            case 1 -> wrap("cos", a, Ops::cos);
            case 2 -> wrap("tanh", a, Ops::tanh);
            case 3 -> wrap("sigmoid", a, Ops::sigmoid);
            case 4 -> wrap("softplus", a, Ops::softplus);
            case 5 -> wrap("exp(tanh)", a, t -> Ops.exp(Ops.tanh(t)));
            case 6 -> wrap("square", a, Ops::square);
            case 7 -> wrap("erf", a, Ops::erf);
            case 8 -> wrap("swish", a, Ops::swish);
            case 9 -> wrap("gelu(" + flag + ")", a, t -> Ops.gelu(t, flag));
            case 10 -> wrap("elu", a, Ops::elu);
            case 11 -> wrap("selu", a, Ops::selu);
            case 12 -> wrap("log(softplus+0.5)", a, t -> Ops.log(Ops.add(Ops.softplus(t), t.scalarLike(0.5))));
            case 13 -> wrap("sqrt(sq+1)", a, t -> Ops.sqrt(Ops.add(Ops.square(t), t.scalarLike(1.0))));
            case 14 -> wrap("rsqrt(sq+1)", a, t -> Ops.rsqrt(Ops.add(Ops.square(t), t.scalarLike(1.0))));
            case 15 -> wrap("pow3", a, t -> Ops.pow(t, 3));
            case 16 -> wrap("softmax(" + axis + ")", a, t -> Ops.softmax(t, axis));
            case 17 -> wrap("logSoftmax(" + axis + ")", a, t -> Ops.logSoftmax(t, axis));
            case 18 -> {
                boolean reverse = r.nextBoolean();
                yield wrap("cumsum(" + axis + "," + flag + "," + reverse + ")", a, t -> Ops.cumsum(t, axis, flag, reverse));
            }
            case 19 -> wrap("l2Normalize(" + axis + ")", a, t -> Ops.l2Normalize(t, axis));
            case 20 -> wrap("log1p(sq)", a, t -> Ops.log1p(Ops.square(t)));
            default -> wrap("neg", a, Ops::neg);
        };
    }

    private static Node binary(Random r, int depth) {
        Node a = generate(r, depth - 1);
        Node b = generate(r, depth - 1);
        INDArray mask = Nd4j.create(DataType.DOUBLE, 2, 3);
        for (int i = 0; i < 6; i++) {
            mask.putScalar(i, r.nextBoolean() ? 1 : 0);
        }
        return switch (r.nextInt(7)) {
            case 0 -> wrap2("add", a, b, Ops::add);
            case 1 -> wrap2("sub", a, b, Ops::sub);
            case 2 -> wrap2("mul", a, b, Ops::mul);
            case 3 -> wrap2("div", a, b, (x, y) -> Ops.div(x, Ops.add(Ops.sigmoid(y), y.scalarLike(1.5))));
            case 4 -> wrap2("where", a, b, (x, y) -> Ops.where(Tensor.of(mask), x, y));
            case 5 -> wrap2("minimum", a, b, (x, y) -> Ops.minimum(x, Ops.add(y, y.scalarLike(0.1))));
            default -> wrap2("maximum", a, b, (x, y) -> Ops.maximum(x, Ops.sub(y, y.scalarLike(0.1))));
        };
    }

    /** Operations that change the shape, followed by the way back to [2, 3]. */
    private static Node shaped(Random r, int depth) {
        Node a = generate(r, depth - 1);
        Node b = generate(r, depth - 1);
        int axis = r.nextInt(2);
        boolean keep = r.nextBoolean();
        return switch (r.nextInt(13)) {
            case 0 -> wrap("transpose.op.transpose", a, t -> Ops.transpose(Ops.tanh(Ops.transpose(t, 1, 0)), 1, 0));
            case 1 -> wrap2("concat(" + axis + ").slice", a, b, (x, y) -> {
                Tensor c = Ops.sin(Ops.concat(axis, x, y));
                Tensor[] parts = Ops.split(c, 2, axis);
                return Ops.add(parts[0], Ops.mul(parts[1], parts[1]));
            });
            case 2 -> wrap2("stack.sum", a, b, (x, y) -> Ops.sum(Ops.cos(Ops.stack(axis, x, y)), false, axis));
            case 3 -> wrap("tile.stridedSlice", a, t -> {
                Tensor tiled = Ops.mul(Ops.tile(t, 2, 2), Tensor.of(Nd4j.arange(1, 25).castTo(DataType.DOUBLE).reshape(4, 6).divi(10)));
                return Ops.stridedSlice(tiled, new long[]{1, 0}, new long[]{4, 6}, new long[]{2, 2 + 0 * axis});
            });
            case 4 -> wrap("pad.slice", a, t -> {
                Tensor padded = Ops.exp(Ops.tanh(Ops.pad(t, new long[][]{{1, 0}, {2, 1}}, 0.5)));
                return Ops.slice(padded, new long[]{axis, 1}, new long[]{2, 3});
            });
            case 5 -> wrap("gather", a, t -> Ops.gather(t, Nd4j.createFromArray(new long[]{2, 0, axis}), 1));
            case 6 -> wrap("gatherRows", a, t -> Ops.gather(Ops.square(t), Nd4j.createFromArray(new long[]{1, 1 - axis})));
            case 7 -> wrap2("matmul", a, b, (x, y) -> Ops.matmul(Ops.matmul(x, y, false, true), Ops.mul(y, y.scalarLike(0.5))));
            case 8 -> wrap2("batchedMatmul", a, b, (x, y) -> {
                Tensor p = Ops.stack(0, x, y);                                 // [2, 2, 3]
                Tensor q = Ops.reshape(Ops.concat(0, Ops.sin(x), y), 2, 3, 2); // [2, 3, 2]
                Tensor m = Ops.sum(Ops.matmul(p, q), false, 0);                 // [2, 2]
                return Ops.matmul(Ops.mul(m, m.scalarLike(0.3)), x);
            });
            case 9 -> wrap("expandDims.squeeze", a, t -> Ops.squeeze(Ops.sigmoid(Ops.expandDims(t, axis)), axis));
            case 10 -> reduction(r, a, axis, keep);
            case 11 -> wrap("reshape6", a, t -> Ops.reshape(Ops.cumsum(Ops.reshape(t, 6), 0), 2, 3));
            default -> wrap("broadcastTo", a, t -> Ops.broadcastTo(Ops.mean(t, true, 0), 2, 3));
        };
    }

    private static Node reduction(Random r, Node a, int axis, boolean keep) {
        int which = r.nextInt(9);
        String name = new String[]{"sum", "mean", "reduceMax", "reduceMin", "reduceProd", "reduceLogSumExp",
                "reduceVariance", "norm", "allAxes"}[which];
        return wrap(name + "(" + axis + "," + keep + ")", a, t -> {
            Tensor reduced = switch (which) {
                case 0 -> Ops.sum(t, keep, axis);
                case 1 -> Ops.mean(t, keep, axis);
                case 2 -> Ops.reduceMax(t, keep, axis);
                case 3 -> Ops.reduceMin(t, keep, axis);
                case 4 -> Ops.reduceProd(Ops.add(Ops.sigmoid(t), t.scalarLike(0.5)), keep, axis);
                case 5 -> Ops.reduceLogSumExp(t, keep, axis);
                case 6 -> Ops.reduceVariance(t, keep, axis);
                case 7 -> Ops.norm(Ops.add(t, t.scalarLike(2.0)), keep, axis);
                default -> Ops.mean(Ops.square(t), keep);
            };
            if (!keep && which != 8) {
                reduced = Ops.expandDims(reduced, axis);
            }
            return Ops.add(Ops.mul(t, t.scalarLike(0.5)), reduced);
        });
    }

    private static Node wrap(String name, Node a, Function<Tensor, Tensor> f) {
        return new Node(name + "(" + a.text() + ")", in -> f.apply(a.expr().apply(in)));
    }

    private static Node wrap2(String name, Node a, Node b, java.util.function.BinaryOperator<Tensor> f) {
        return new Node(name + "(" + a.text() + ", " + b.text() + ")", in -> f.apply(a.expr().apply(in), b.expr().apply(in)));
    }
}
