/**
 * How workers combine their gradients each step: {@link io.orrery.spark.exchange.GradientExchange} and its
 * implementations (an all-gather over Spark's barrier RPC; the Aeron parameter server).
 */
package io.orrery.spark.exchange;
