/** Runnable examples behind one picocli command line: the seed's walk-through, GradientTape, custom layers. */
package io.orrery.examples;
