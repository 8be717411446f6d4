package io.orrery.core.layers;

import io.orrery.core.autodiff.GradientTape;
import io.orrery.core.models.Sequential;
import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;

import static io.orrery.core.layers.FiniteDifferences.assertClose;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The layer gradient check the layer tests share: one layer alone in a float64 model (so its weights are views into
 * the model's flat buffers, as in training), objective {@code sum(layer(x) * r)} with a fixed random {@code r} (so a
 * softmax, whose outputs always sum to one, still has a gradient), and the tape's gradients with respect to every
 * trainable weight and the input compared with central finite differences.
 */
final class TapeGradientCheck {

    static final double TOLERANCE = 1e-6;

    /** What the check computed, for callers that compare more (the fused path). */
    record Checked(Sequential model, Tensor out, INDArray r, List<Variable> weights, List<Tensor> grads) {

        /** The tape's gradient with respect to the input. */
        Tensor inputGradient() {
            return grads.get(weights.size());
        }
    }

    private TapeGradientCheck() {
    }

    /** Uniform in [-1, 1), float64, seeded. */
    static INDArray random(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.DOUBLE, shape).subi(0.5).muli(2);
    }

    /**
     * Checks {@code layer} on input {@code x}: every trainable weight's tape gradient (and the input's, when
     * {@code inputGradient}) equals finite differences; non-trainable weights get none.
     */
    static Checked check(Layer layer, INDArray x, boolean training, boolean inputGradient) {
        Sequential model = new Sequential(List.of(layer)).setSeed(3);
        model.build(Arrays.copyOfRange(x.shape(), 1, x.rank()));
        Variable in = new Variable(x.dup(), "x", inputGradient);
        List<Variable> weights = layer.trainableWeights();
        List<Tensor> sources = new ArrayList<>(weights);
        sources.add(in);
        sources.addAll(layer.nonTrainableWeights());
        Tensor out;
        List<Tensor> grads;
        INDArray r;
        try (GradientTape tape = new GradientTape()) {
            out = layer.apply(in, training);
            r = random(99, out.shape());
            grads = tape.gradient(Ops.sum(Ops.mul(out, new Tensor(r))), sources);
        }
        INDArray rFinal = r;
        DoubleSupplier objective =
                () -> layer.apply(new Tensor(in.array()), training).array().mul(rFinal).sumNumber().doubleValue();
        for (int i = 0; i < weights.size(); i++) {
            assertNotNull(grads.get(i), "no tape gradient for " + weights.get(i).name());
            INDArray numeric = FiniteDifferences.gradient(objective, weights.get(i).array());
            assertClose(numeric, grads.get(i).array(), TOLERANCE, layer.name() + " d/d " + weights.get(i).name());
        }
        for (int i = 0; i < layer.nonTrainableWeights().size(); i++) {
            // not watched: a tape never differentiates with respect to state
            assertNull(grads.get(weights.size() + 1 + i), layer.nonTrainableWeights().get(i).name());
        }
        if (inputGradient) {
            Tensor g = grads.get(weights.size());
            assertNotNull(g, "no tape gradient for the input of " + layer.name());
            assertClose(FiniteDifferences.gradient(objective, in.array()), g.array(), TOLERANCE, layer.name() + " d/d input");
        }
        return new Checked(model, out, r, weights, grads);
    }
}
