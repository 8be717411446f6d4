package io.orrery.core.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * A layer that can train without the tape: it runs forward and backward directly on ND4J arrays, into buffers it
 * reuses from step to step, and writes its weight gradients straight into views of the model's flat gradient buffer.
 * Built-in layers implement it. A {@code Sequential}'s training step uses this path for every layer that implements
 * it, and runs any other layer (a user layer) through its own tape between them: the capability is per layer. The
 * fused path is much faster (no per-operation records, no allocation of large temporaries, no input gradient for the
 * first layer). Arrays may be c- or f-order; images and sequences pass between layers c-order (channels last).
 */
public interface FusedLayer {

    /** Receives the views of the model's flat gradient buffer for this layer's weights, in {@code weights()} order. */
    void bindGradients(List<INDArray> gradientViews);

    /** Output of the layer for a batch. The returned array may be reused by the next call with the same batch size. */
    INDArray forward(INDArray input, boolean training);

    /**
     * Back-propagates one batch.
     *
     * @param input            the input given to the last {@link #forward}
     * @param output           what that call returned
     * @param gradOutput       gradient of the loss with respect to {@code output}; may be overwritten
     * @param needInputGradient false for the first layer, whose input gradient nobody uses
     * @return the gradient with respect to {@code input}, or null when not needed
     */
    INDArray backward(INDArray input, INDArray output, INDArray gradOutput, boolean needInputGradient);
}
