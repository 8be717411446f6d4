/**
 * The parameter server: {@link io.orrery.ps.server.ParameterServer} (a library object, AutoCloseable; its own
 * process is {@link io.orrery.ps.ParameterServerMain}). One agent thread per shard ({@code ShardAgent}) hands gradient
 * chunks to the mode's aggregator ({@code SyncAggregator}, {@code AsyncAggregator}), which adds them straight from
 * the Aeron log into its accumulator and applies the model's optimizer to the shard ({@code ShardModel}); a
 * publisher broadcasts each version ({@code ShardPublisher}); a control agent handles joins, heartbeats and stats;
 * shards checkpoint themselves atomically ({@code CheckpointStore}, one file each in the format of {@code
 * CheckpointFile}, checked before anything is allocated on resume).
 */
package io.orrery.ps.server;
