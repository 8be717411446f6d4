package io.orrery.ps.protocol;

import io.orrery.ps.JobKey;
import io.orrery.ps.protocol.sbe.ChallengeDecoder;
import io.orrery.ps.protocol.sbe.JoinProofDecoder;
import io.orrery.ps.protocol.sbe.JoinProofEncoder;
import io.orrery.ps.protocol.sbe.MessageHeaderEncoder;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proof of the job key binds every value it covers, and the two messages of the keyed join decode exactly and
 * are dropped, never thrown, when truncated.
 */
class KeyProofTest {

    private static final JobKey KEY = JobKey.derive("key-proof-test", 5);
    private static final byte[] NONCE = new byte[KeyProof.NONCE_LENGTH];

    static {
        Arrays.fill(NONCE, (byte) 7);
    }

    @Test
    void aProofVerifiesOnlyForTheValuesItWasComputedOver() {
        KeyProof proofs = new KeyProof(KEY);
        byte[] proof = proofs.compute(NONCE, 5, 11, -1, 1234, "10.0.0.7:40000");
        assertEquals(KeyProof.PROOF_LENGTH, proof.length);
        assertTrue(proofs.verify(proof, NONCE, 5, 11, -1, 1234, "10.0.0.7:40000"));
        byte[] otherNonce = NONCE.clone();
        otherNonce[0] ^= 1;
        assertFalse(proofs.verify(proof, otherNonce, 5, 11, -1, 1234, "10.0.0.7:40000"), "another nonce");
        assertFalse(proofs.verify(proof, NONCE, 6, 11, -1, 1234, "10.0.0.7:40000"), "another job");
        assertFalse(proofs.verify(proof, NONCE, 5, 12, -1, 1234, "10.0.0.7:40000"), "another join");
        assertFalse(proofs.verify(proof, NONCE, 5, 11, 0, 1234, "10.0.0.7:40000"), "another requested id");
        assertFalse(proofs.verify(proof, NONCE, 5, 11, -1, 1235, "10.0.0.7:40000"), "another session");
        assertFalse(proofs.verify(proof, NONCE, 5, 11, -1, 1234, "10.0.0.8:40000"), "another endpoint");
        assertFalse(new KeyProof(JobKey.derive("key-proof-test", 6)).verify(proof, NONCE, 5, 11, -1, 1234,
                "10.0.0.7:40000"), "another key");
    }

    @Test
    void challengeAndJoinProofDecodeExactlyAndTruncationsAreDropped() {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        DropCounters drops = new DropCounters(LoggerFactory.getLogger(KeyProofTest.class), "test");
        byte[][] seen = new byte[2][];
        String[] endpoint = new String[1];
        MessageAdapter adapter = new MessageAdapter(new MessageListener() {
            @Override
            public DropReason onChallenge(ChallengeDecoder challenge, byte[] nonce) {
                seen[0] = nonce;
                return null;
            }

            @Override
            public DropReason onJoinProof(JoinProofDecoder joinProof, byte[] proof, String broadcastEndpoint) {
                seen[1] = proof;
                endpoint[0] = broadcastEndpoint;
                return null;
            }
        }, drops, 512);

        int challengeLength = new ServerProxy(5, 512, new BackoffIdleStrategy(), 1).encodeChallenge(buffer, 11, NONCE);
        assertTrue(adapter.decode(buffer, 0, challengeLength));
        assertArrayEquals(NONCE, seen[0]);
        for (int cut = 0; cut < challengeLength; cut++) {
            assertFalse(adapter.decode(buffer, 0, cut), "challenge cut=" + cut);
        }

        byte[] proof = new KeyProof(KEY).compute(NONCE, 5, 11, -1, 1234, "10.0.0.7:40000");
        int proofLength = JoinProofs.encode(buffer, 5, 11, -1, proof, "10.0.0.7:40000");
        assertTrue(adapter.decode(buffer, 0, proofLength));
        assertArrayEquals(proof, seen[1]);
        assertEquals("10.0.0.7:40000", endpoint[0]);
        for (int cut = 0; cut < proofLength; cut++) {
            assertFalse(adapter.decode(buffer, 0, cut), "join proof cut=" + cut);
        }
        assertEquals(challengeLength + proofLength, drops.count(DropReason.TRUNCATED), drops.summary());
    }

    /** Encodes a JoinProof as {@link WorkerProxy#joinProof} does, without a publication. */
    private static final class JoinProofs {
        static int encode(UnsafeBuffer buffer, long jobId, long correlationId, int requested, byte[] proof,
                          String endpoint) {
            MessageHeaderEncoder header = new MessageHeaderEncoder();
            JoinProofEncoder e = new JoinProofEncoder()
                    .wrapAndApplyHeader(buffer, 0, header).jobId(jobId).correlationId(correlationId)
                    .requestedWorkerId(requested).putProof(proof, 0, proof.length).broadcastEndpoint(endpoint);
            return header.encodedLength() + e.encodedLength();
        }
    }
}
