/**
 * The Deeplearning4j baseline of Orrery's benchmark: the reference MNIST MLP trained by DL4J's own Spark
 * training (ParameterAveragingTrainingMaster and SharedTrainingMaster) in local[N], one JSON row per run.
 */
package io.orrery.benchdl4j;
