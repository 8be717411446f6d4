/**
 * Reverse-mode automatic differentiation: the {@link io.orrery.core.autodiff.GradientTape}, with TensorFlow's
 * behaviour: trainable variables watched by default, nested tapes for higher orders, {@code jacobian},
 * {@code stopRecording}, {@code watchedVariables}, output gradients, and gradients taken at the forward pass's
 * values even when a variable is assigned before {@code gradient} is called.
 */
package io.orrery.core.autodiff;
