package io.orrery.spark.exchange;

import io.orrery.ps.GradientEncoding;

import java.nio.file.Path;

/**
 * Settings of a parameter server the trainer starts in the driver.
 *
 * @param encoding        how workers encode gradients on the wire
 * @param shards          contiguous shards of the flat buffer, each aggregated by its own thread
 * @param checkpointDir   where the server writes checkpoints, or null for none
 * @param checkpointEvery steps between checkpoints (0: only on request)
 * @param sparseFraction  SPARSE: the fraction of values each chunk sends (top-k)
 * @param sparseThreshold SPARSE: send values of at least this magnitude instead (0: use the fraction)
 */
public record ServerSettings(GradientEncoding encoding, int shards, Path checkpointDir, int checkpointEvery,
                             double sparseFraction, double sparseThreshold) {

    /** float32, one shard, no checkpoints, top 1% when sparse. */
    public static final ServerSettings DEFAULTS = new ServerSettings(GradientEncoding.FLOAT32, 1, null, 0, 0.01, 0);
}
