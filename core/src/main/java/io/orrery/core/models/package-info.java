/**
 * Models: {@link io.orrery.core.models.Sequential}, its flat parameter layout and model files, and the one training
 * loop every {@code fit} runs ({@link io.orrery.core.models.TrainingLoop} with {@link io.orrery.core.models.FitOptions};
 * an {@link io.orrery.core.models.EpochRunner} says how an epoch trains, in this JVM or on a cluster).
 */
package io.orrery.core.models;
