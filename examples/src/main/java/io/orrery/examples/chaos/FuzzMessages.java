package io.orrery.examples.chaos;

import io.orrery.ps.JobKey;
import io.orrery.ps.protocol.KeyProof;
import io.orrery.ps.protocol.sbe.ChallengeEncoder;
import io.orrery.ps.protocol.sbe.Encoding;
import io.orrery.ps.protocol.sbe.GradientChunkEncoder;
import io.orrery.ps.protocol.sbe.HeartbeatEncoder;
import io.orrery.ps.protocol.sbe.JoinAckEncoder;
import io.orrery.ps.protocol.sbe.JoinEncoder;
import io.orrery.ps.protocol.sbe.JoinProofEncoder;
import io.orrery.ps.protocol.sbe.JoinStatus;
import io.orrery.ps.protocol.sbe.LeaveEncoder;
import io.orrery.ps.protocol.sbe.MessageHeaderEncoder;
import io.orrery.ps.protocol.sbe.ParameterChunkEncoder;
import io.orrery.ps.protocol.sbe.ParametersRequestEncoder;
import io.orrery.ps.protocol.sbe.StepFailedEncoder;
import io.orrery.ps.protocol.sbe.TrainingMode;
import org.agrona.MutableDirectBuffer;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Structured fuzz for the wire protocol: a well-formed message of every type (valid SBE header, the job's id, a
 * plausible worker, step and chunk, the job's token or a wrong one), then exactly one field changed to a hostile
 * value: an edge of its range, a neighbour of the valid value, random bits, or the header's block length, template,
 * schema or version, or the length of its variable part. Field positions come from the generated encoders, so a new
 * field is fuzzed without a change here.
 *
 * <p>A keyed job (a {@link JobKey}) has token 0 as its valid token, and its JoinProof is the one a worker sends: over
 * a nonce the server really sent this sender ({@link #challenged}, when one is at hand; a made-up one otherwise) and
 * this sender's session, proven with the job's key ("valid") or with another key. Either way one field is then
 * mutated, so that the server's checks behind the proof are reached too.
 */
final class FuzzMessages {

    /**
     * The message types: the worker-to-server types (JoinProof last of them), then the server-to-worker types
     * ({@link #TO_WORKER}).
     */
    static final List<String> TYPES = List.of("Join", "Heartbeat", "Leave", "ParametersRequest", "GradientChunk",
            "JoinProof", "JoinAck", "ParameterChunk", "StepFailed", "Challenge");

    /** The types a server sends to workers, by index in {@link #TYPES}. */
    static final List<Integer> TO_WORKER = List.of(TYPES.indexOf("JoinAck"), TYPES.indexOf("ParameterChunk"),
            TYPES.indexOf("StepFailed"), TYPES.indexOf("Challenge"));

    /** Types that travel on a shard's gradient or parameter stream rather than the control or broadcast stream. */
    static boolean onShardStream(int type) {
        return type == TYPES.indexOf("GradientChunk") || type == TYPES.indexOf("ParameterChunk");
    }

    /** Joins remembered, to recognise the Challenges that answer them (challenges are rate limited: few arrive). */
    private static final int JOINS_KEPT = 4096;

    private static final int HEADER = MessageHeaderEncoder.ENCODED_LENGTH;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final long jobId;
    private final long token;
    private final int workers;
    private final long steps;
    private final Random random;
    private final byte[] payload = new byte[4 * 64];
    private final KeyProof keyProof;
    private final KeyProof wrongKeyProof;
    private final Set<Long> joins = new LinkedHashSet<>();
    private final ArrayDeque<Object[]> nonces = new ArrayDeque<>();
    private int sessionId;
    private String endpoint = "127.0.0.1:9";
    private long challengesUsed;

    /**
     * @param token the job's token, 0 for a keyed job
     * @param key   the keyed job's key (the valid half of the JoinProofs is proven with it), null for a token job
     */
    FuzzMessages(long jobId, long token, JobKey key, int workers, long steps, Random random) {
        this.jobId = jobId;
        this.token = token;
        this.workers = workers;
        this.steps = steps;
        this.random = random;
        this.keyProof = key == null ? null : new KeyProof(key);
        byte[] other = new byte[32];
        random.nextBytes(other);
        this.wrongKeyProof = new KeyProof(JobKey.derive(other, jobId));
    }

    /** The Aeron session the JoinProofs are sent from, and the endpoint they name: both are inside the proof. */
    void sender(int session, String broadcastEndpoint) {
        this.sessionId = session;
        this.endpoint = broadcastEndpoint;
    }

    /**
     * A Challenge seen on the server's replies channel; kept when it answers one of this sender's Joins (the next
     * JoinProof uses its nonce), ignored otherwise (another worker's).
     */
    boolean challenged(long correlationId, byte[] nonce) {
        if (!joins.remove(correlationId)) {
            return false;
        }
        nonces.add(new Object[]{correlationId, nonce.clone()});
        return true;
    }

    /** JoinProofs built over a nonce the server really sent. */
    long challengesUsed() {
        return challengesUsed;
    }

    /** Writes message {@code type} into {@code buffer}, one field mutated; returns its length. */
    int write(int type, boolean validToken, MutableDirectBuffer buffer) {
        long tok = validToken ? token : random.nextLong();
        int worker = random.nextInt(workers);
        long step = random.nextInt((int) Math.max(1, steps));
        int length;
        Class<?> encoder;
        switch (type) {
            case 0 -> {
                JoinEncoder e = new JoinEncoder().wrapAndApplyHeader(buffer, 0, header).jobId(jobId).token(tok)
                        .correlationId(random.nextLong()).requestedWorkerId(worker).workerAddress("rogue@127.0.0.1");
                length = HEADER + e.encodedLength();
                encoder = JoinEncoder.class;
            }
            case 1 -> {
                HeartbeatEncoder e = new HeartbeatEncoder().wrapAndApplyHeader(buffer, 0, header).jobId(jobId).token(tok)
                        .workerId(worker).step(step);
                length = HEADER + e.encodedLength();
                encoder = HeartbeatEncoder.class;
            }
            case 2 -> {
                LeaveEncoder e = new LeaveEncoder().wrapAndApplyHeader(buffer, 0, header).jobId(jobId).token(tok)
                        .workerId(worker);
                length = HEADER + e.encodedLength();
                encoder = LeaveEncoder.class;
            }
            case 3 -> {
                ParametersRequestEncoder e = new ParametersRequestEncoder().wrapAndApplyHeader(buffer, 0, header)
                        .jobId(jobId).token(tok).workerId(worker);
                length = HEADER + e.encodedLength();
                encoder = ParametersRequestEncoder.class;
            }
            case 4 -> {
                int count = payload.length / 4;
                random.nextBytes(payload);
                GradientChunkEncoder e = new GradientChunkEncoder().wrapAndApplyHeader(buffer, 0, header).jobId(jobId)
                        .token(tok).step(step).baseVersion(step).workerId(worker).shard(0).chunkIndex(random.nextInt(4))
                        .chunkCount(4).elementOffset(random.nextInt(4) * count).elementCount(count)
                        .encoding(Encoding.FLOAT32).putPayload(payload, 0, payload.length);
                length = HEADER + e.encodedLength();
                encoder = GradientChunkEncoder.class;
            }
            case 6 -> {
                JoinAckEncoder e = new JoinAckEncoder().wrapAndApplyHeader(buffer, 0, header).jobId(jobId)
                        .correlationId(random.nextLong()).status(JoinStatus.ACCEPTED).mode(TrainingMode.SYNC)
                        .workerId(worker).workerCount(workers).shardCount(1).firstShard(0).ownedShards(1)
                        .chunkElements(64).stalenessBound(2).encoding(Encoding.FLOAT32).modelLength(50890)
                        .currentVersion(step).nextStep(step).reason("");
                length = HEADER + e.encodedLength();
                encoder = JoinAckEncoder.class;
            }
            case 5 -> {
                Object[] challenge = nonces.poll();
                byte[] nonce = new byte[KeyProof.NONCE_LENGTH];
                long correlationId;
                if (challenge != null) {
                    correlationId = (long) challenge[0];
                    nonce = (byte[]) challenge[1];
                    challengesUsed++;
                } else {
                    correlationId = random.nextLong();
                    random.nextBytes(nonce);
                }
                int requested = random.nextInt(workers + 1) - 1;
                KeyProof prover = validToken && keyProof != null ? keyProof : wrongKeyProof;
                byte[] proof = prover.compute(nonce, jobId, correlationId, requested, sessionId, endpoint);
                JoinProofEncoder e = new JoinProofEncoder().wrapAndApplyHeader(buffer, 0, header).jobId(jobId)
                        .correlationId(correlationId).requestedWorkerId(requested)
                        .putProof(proof, 0, proof.length).broadcastEndpoint(endpoint);
                length = HEADER + e.encodedLength();
                encoder = JoinProofEncoder.class;
            }
            case 7 -> {
                int count = payload.length / 4;
                random.nextBytes(payload);
                ParameterChunkEncoder e = new ParameterChunkEncoder().wrapAndApplyHeader(buffer, 0, header).jobId(jobId)
                        .version(step + 1).minWorkerStep(step).shard(0).chunkIndex(0).chunkCount(4).elementOffset(0)
                        .elementCount(count).putPayload(payload, 0, payload.length);
                length = HEADER + e.encodedLength();
                encoder = ParameterChunkEncoder.class;
            }
            case 8 -> {
                StepFailedEncoder e = new StepFailedEncoder().wrapAndApplyHeader(buffer, 0, header).jobId(jobId)
                        .step(step).shard(0).reason("rogue");
                length = HEADER + e.encodedLength();
                encoder = StepFailedEncoder.class;
            }
            default -> {
                byte[] nonce = new byte[KeyProof.NONCE_LENGTH];
                random.nextBytes(nonce);
                ChallengeEncoder e = new ChallengeEncoder().wrapAndApplyHeader(buffer, 0, header).jobId(jobId)
                        .correlationId(random.nextLong()).putNonce(nonce, 0, nonce.length);
                length = HEADER + e.encodedLength();
                encoder = ChallengeEncoder.class;
            }
        }
        int sent = mutate(encoder, buffer, length);
        if (encoder == JoinEncoder.class && sent >= HEADER + JoinEncoder.BLOCK_LENGTH) {
            // the correlation id as sent (perhaps the mutated field): a Challenge echoes it
            if (joins.size() >= JOINS_KEPT) {
                joins.remove(joins.iterator().next());
            }
            joins.add(buffer.getLong(HEADER + JoinEncoder.correlationIdEncodingOffset()));
        }
        return sent;
    }

    /** Changes one field (or the header, or the length) and returns the message's length to send. */
    private int mutate(Class<?> encoder, MutableDirectBuffer buffer, int length) {
        List<int[]> fields = fields(encoder);
        int pick = random.nextInt(fields.size() + 5);
        if (pick < fields.size()) {
            int[] f = fields.get(pick);
            write(buffer, HEADER + f[0], f[1]);
            return length;
        }
        switch (pick - fields.size()) {
            case 0 -> buffer.putShort(0, (short) hostile(2)); // block length
            case 1 -> buffer.putShort(2, (short) hostile(2)); // template id
            case 2 -> buffer.putShort(4, (short) hostile(2)); // schema id
            case 3 -> buffer.putShort(6, (short) hostile(2)); // version
            default -> {
                return Math.max(1, random.nextInt(length)); // cut short
            }
        }
        return length;
    }

    private void write(MutableDirectBuffer buffer, int offset, int size) {
        long v = hostile(size);
        switch (size) {
            case 1 -> buffer.putByte(offset, (byte) v);
            case 2 -> buffer.putShort(offset, (short) v);
            case 4 -> buffer.putInt(offset, (int) v);
            default -> buffer.putLong(offset, v);
        }
    }

    /** An edge value, a small one, a negative one or random bits, for a field of {@code size} bytes. */
    private long hostile(int size) {
        return switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> size == 8 ? Long.MAX_VALUE : (1L << (size * 8 - 1)) - 1;
            case 3 -> size == 8 ? Long.MIN_VALUE : -(1L << (size * 8 - 1));
            case 4 -> 1 + random.nextInt(3);
            case 5 -> steps + random.nextInt(1000);
            case 6 -> -2 - random.nextInt(100);
            default -> random.nextLong();
        };
    }

    /** {offset, length} of every fixed field of a generated encoder, from its static *EncodingOffset methods. */
    private static List<int[]> fields(Class<?> encoder) {
        return FIELDS.computeIfAbsent(encoder, FuzzMessages::reflect);
    }

    private static final Map<Class<?>, List<int[]>> FIELDS = new ConcurrentHashMap<>();

    private static List<int[]> reflect(Class<?> encoder) {
        List<int[]> fields = new ArrayList<>();
        try {
            for (Method m : encoder.getMethods()) {
                String name = m.getName();
                if (Modifier.isStatic(m.getModifiers()) && name.endsWith("EncodingOffset")) {
                    String field = name.substring(0, name.length() - "EncodingOffset".length());
                    int length = (int) encoder.getMethod(field + "EncodingLength").invoke(null);
                    fields.add(new int[]{(int) m.invoke(null), length});
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated encoder " + encoder.getName() + " lacks offset/length methods", e);
        }
        return fields;
    }
}
