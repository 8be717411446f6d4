/** Optimizers that update flat parameter buffers in place, their state, and learning-rate schedules. */
package io.orrery.core.optimizers;
