package io.orrery.spark.exec;

import io.orrery.spark.exchange.GradientExchange;

/**
 * What a task's gradient exchange measured over its stage, read once before the exchange closes.
 *
 * @param sendNanos time spent sending gradients
 * @param waitNanos time spent waiting for each step's parameters after sending
 * @param bytesSent gradient payload bytes sent
 * @param bytesReceived parameter payload bytes received
 */
record ExchangeCounters(long sendNanos, long waitNanos, long bytesSent, long bytesReceived) {

    static ExchangeCounters of(GradientExchange exchange) {
        return new ExchangeCounters(exchange.sendNanos(), exchange.waitNanos(), exchange.bytesSent(),
                exchange.bytesReceived());
    }
}
