/**
 * Keras-style stateful metrics ({@code updateState} / {@code result} / {@code resetState}) whose states merge
 * exactly, so that metrics computed on data split over workers combine into the metric of the whole.
 */
package io.orrery.core.metrics;
