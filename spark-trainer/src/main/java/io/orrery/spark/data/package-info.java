/**
 * Input conversion: rows of a {@code Dataset<Row>} or {@link io.orrery.spark.data.Sample}s of a {@code JavaRDD}
 * become per-partition flat float buffers, checked against the model (width, label range) on the way.
 */
package io.orrery.spark.data;
