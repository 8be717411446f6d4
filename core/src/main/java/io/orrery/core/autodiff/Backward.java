package io.orrery.core.autodiff;

import io.orrery.core.tensor.Tensor;

/**
 * The gradient rule of one recorded operation: given the gradient of the target with respect to the operation's
 * output, returns the gradients with respect to each input (null for inputs that need none).
 *
 * <p>Rules are written with differentiable {@link io.orrery.core.tensor.Ops}, so an outer tape records them and
 * nested tapes give higher-order gradients.
 */
@FunctionalInterface
public interface Backward {
    Tensor[] apply(Tensor upstream);
}
