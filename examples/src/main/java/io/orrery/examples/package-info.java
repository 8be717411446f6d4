/** Runnable examples behind one picocli command line: Keras's first MNIST walk-through, GradientTape, custom layers. */
package io.orrery.examples;
