package io.orrery.ps.protocol;

/**
 * How a flat buffer of {@code modelLength} elements is cut into {@code shardCount} contiguous shards of nearly
 * equal size, and each shard into chunks of at most {@code chunkElements} elements. Server and workers compute the
 * same layout from the three numbers in the JoinAck.
 */
public final class ShardLayout {

    /** Aeron's cap on one message whatever the term length (its {@code maxMessageLength}). */
    private static final int AERON_MAX_MESSAGE = 16 << 20;

    private final long modelLength;
    private final int shardCount;
    private final int chunkElements;
    private final long[] shardOffsets;

    public ShardLayout(long modelLength, int shardCount, int chunkElements) {
        if (modelLength < 1) {
            throw new IllegalArgumentException("modelLength must be at least 1, found " + modelLength);
        }
        if (shardCount < 1 || shardCount > modelLength) {
            throw new IllegalArgumentException("shardCount must be in 1.." + modelLength + " (the model length), found " + shardCount);
        }
        if (chunkElements < 1) {
            throw new IllegalArgumentException("chunkElements must be at least 1, found " + chunkElements);
        }
        long base = modelLength / shardCount;
        long extra = modelLength % shardCount;
        if (base + 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a shard would hold " + (base + 1) + " elements, more than "
                    + Integer.MAX_VALUE + "; use more shards");
        }
        this.modelLength = modelLength;
        this.shardCount = shardCount;
        this.chunkElements = chunkElements;
        this.shardOffsets = new long[shardCount + 1];
        for (int s = 0; s < shardCount; s++) {
            shardOffsets[s + 1] = shardOffsets[s] + base + (s < extra ? 1 : 0);
        }
    }

    /**
     * The most elements a chunk may hold when its messages go through publications of {@code termLength}: Aeron
     * fragments a message into frames and reassembles it, but refuses one longer than a term / 8 (at most 16 MiB).
     * A chunk's message is its payload (4 bytes per element for float32, and never more for the other encodings)
     * plus the longest of the gradient and parameter message headers; rounded down to a multiple of 8.
     */
    public static int maxChunkElements(int termLength) {
        int maxMessage = Math.min(termLength / 8, AERON_MAX_MESSAGE);
        int header = Math.max(WorkerProxy.gradientMessageLength(0), ServerProxy.parameterMessageLength(0));
        return Math.max(0, ((maxMessage - header) / 4) & ~7);
    }

    public long modelLength() {
        return modelLength;
    }

    public int shardCount() {
        return shardCount;
    }

    public int chunkElements() {
        return chunkElements;
    }

    /** First element of shard {@code shard} in the flat buffer. */
    public long shardOffset(int shard) {
        return shardOffsets[shard];
    }

    public int shardLength(int shard) {
        return (int) (shardOffsets[shard + 1] - shardOffsets[shard]);
    }

    public int chunkCount(int shard) {
        return (shardLength(shard) + chunkElements - 1) / chunkElements;
    }

    /** First element of chunk {@code chunk} within its shard. */
    public int chunkOffset(int chunk) {
        return chunk * chunkElements;
    }

    /** Elements in chunk {@code chunk} of shard {@code shard} (the last chunk may be short). */
    public int chunkLength(int shard, int chunk) {
        return Math.min(chunkElements, shardLength(shard) - chunk * chunkElements);
    }

    @Override
    public String toString() {
        return "modelLength=" + modelLength + " shards=" + shardCount + " chunkElements=" + chunkElements;
    }
}
