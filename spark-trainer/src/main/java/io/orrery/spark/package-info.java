/**
 * The Spark trainer: {@link io.orrery.spark.SparkTrainer} trains one model data-parallel over Spark executors
 * (a barrier stage, one task per worker, each on global batch / N), and evaluates and predicts on the executors.
 */
package io.orrery.spark;
