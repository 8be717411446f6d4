/**
 * Tensors (immutable values over ND4J arrays), variables, and the differentiable operations on them.
 *
 * <p>{@link io.orrery.core.tensor.Ops} is the one entry point, as {@code tf.*} is in TensorFlow: a user (or a layer)
 * finds every operation there by its TensorFlow name, and autocompletion on one class lists them all. It is a
 * facade of one-line methods; the arithmetic lives in package-private files with one job each, so each stays
 * short and its gradient rules sit next to the operations they belong to:
 * <ul>
 *   <li>{@code MathOps}: elementwise arithmetic, broadcasting binary operations, {@code where}, {@code cast},
 *       {@code stopGradient};</li>
 *   <li>{@code Activations}: relu, sigmoid, tanh, softmax over an axis, softplus, elu, selu, gelu, swish, leaky relu;</li>
 *   <li>{@code ArrayOps}: reshapes, transposes, broadcasting, concat/stack/split, slices, pad (linear operations,
 *       whose gradients are each other: slice and pad);</li>
 *   <li>{@code Gathering}: gather by index and tile (adjoints: scatter-add and a reshaped sum);</li>
 *   <li>{@code Reductions}: sum, mean, max, min, prod, logsumexp, variance, norms, cumsum;</li>
 *   <li>{@code LinearAlgebra}: matmul, plain and batched;</li>
 *   <li>{@code Shapes} and {@code Recording}: shape arithmetic, and how results and variables meet the tape.</li>
 * </ul>
 * Keeping the facade rather than making those classes public means one name per operation and one place where a
 * {@link io.orrery.core.tensor.Variable} entering an operation is turned into a read that keeps the forward
 * pass's value (so {@code tape.gradient} after {@code assignSub} still differentiates at the forward values, as
 * TensorFlow does).
 */
package io.orrery.core.tensor;
