/**
 * How workers combine their gradients each step: {@link io.orrery.spark.exchange.GradientExchange} and its
 * implementations (a TCP hub in worker 0; the Aeron parameter server).
 */
package io.orrery.spark.exchange;
