package io.orrery.ps.protocol;

/** Why a received message was dropped; every drop is counted under one of these. */
public enum DropReason {
    /** Shorter than its header, root block or declared variable-length data. */
    TRUNCATED,
    /** Longer than the largest message the endpoint accepts, or a payload larger than a chunk. */
    OVERSIZED,
    /** Header names another SBE schema: not an Orrery parameter-server message. */
    UNKNOWN_SCHEMA,
    /** Schema version this build does not read (a newer or corrupt sender). */
    UNSUPPORTED_VERSION,
    /** Template id not in the schema, or not expected on this stream. */
    UNKNOWN_TEMPLATE,
    /** Root block shorter than the message's fields need. */
    BAD_BLOCK_LENGTH,
    /** Job id of another job. */
    FOREIGN_JOB,
    /** Right job, wrong token. */
    BAD_TOKEN,
    /** Worker id out of range or not joined. */
    UNKNOWN_WORKER,
    /** Shard index out of range or sent to another shard's stream. */
    BAD_SHARD,
    /** Chunk index or count not matching the shard's layout. */
    BAD_CHUNK,
    /** Element offset, element count or payload length not matching the chunk. */
    BAD_LENGTH,
    /** Encoding other than the job's, or a value that names no encoding this build knows. */
    BAD_ENCODING,
    /** An enum field (join status, training mode) holding a value this build does not know. */
    UNKNOWN_ENUM_VALUE,
    /** Same worker, step, shard and chunk seen already. */
    DUPLICATE,
    /** Step already applied. */
    LATE,
    /** Step not started yet (a worker ahead of the server in SYNC mode, or beyond the staleness bound). */
    EARLY,
    /** NaN or infinite value in a gradient. */
    NON_FINITE,
    /**
     * Sparse indices not strictly increasing, or a step outside the window around the current version: a
     * payload or field no honest worker sends.
     */
    NOT_CANONICAL,
    /**
     * A worker id held by another sender (the Aeron session and source that joined with it): a spoofed, stale or
     * evicted worker.
     */
    WRONG_SENDER,
    /**
     * A JoinProof that does not prove the job key: a wrong key, a proof over another nonce (a replay), or no
     * challenge outstanding for its sender. Also a Challenge reaching a worker that has no key to answer it.
     */
    BAD_PROOF
}
