/** Tensors (immutable values over ND4J arrays), variables, and the differentiable operations on them. */
package io.orrery.core.tensor;
