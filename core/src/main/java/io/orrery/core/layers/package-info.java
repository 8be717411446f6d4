/**
 * Layers (Keras's build/call shape), their initializers and activations, and the fused training interface.
 * Convolution and pooling are channels last; their tape path is built from one gather operation and its adjoint
 * ({@code GatherOps}), their fused path runs im2col into reused buffers and one f-order GEMM per product.
 */
package io.orrery.core.layers;
