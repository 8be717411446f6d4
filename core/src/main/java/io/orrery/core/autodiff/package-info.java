/** Reverse-mode automatic differentiation: the {@link io.orrery.core.autodiff.GradientTape}. */
package io.orrery.core.autodiff;
