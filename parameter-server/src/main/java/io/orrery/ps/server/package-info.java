/**
 * The parameter server: {@link io.orrery.ps.server.ParameterServer} (a library object, AutoCloseable) and
 * {@link io.orrery.ps.ParameterServerMain} (its own process). One agent thread per shard adds gradient
 * chunks straight from the Aeron log into its accumulator and applies the model's optimizer to its slice; a control
 * agent handles joins, heartbeats and stats; shards checkpoint themselves atomically ({@code CheckpointStore}, one
 * file each in the format of {@code CheckpointFile}, checked before anything is allocated on resume).
 */
package io.orrery.ps.server;
