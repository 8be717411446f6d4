/** Losses (Keras's names and formulas), reduced over the batch by the {@link io.orrery.core.losses.Loss} base. */
package io.orrery.core.losses;
