/** Layers (Keras's build/call shape), their initializers and activations, and the fused training interface. */
package io.orrery.core.layers;
