/**
 * What runs on the executors: the barrier training task, its batch order, GPU binding, and the per-partition
 * evaluation and prediction functions.
 */
package io.orrery.spark.exec;
