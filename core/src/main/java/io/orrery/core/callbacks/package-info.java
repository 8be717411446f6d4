/** Callbacks of {@code fit}: progress output, early stopping, checkpoints, CSV logs, learning-rate schedules. */
package io.orrery.core.callbacks;
