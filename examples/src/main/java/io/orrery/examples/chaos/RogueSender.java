package io.orrery.examples.chaos;

import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.orrery.ps.JobKey;
import io.orrery.ps.JobSecret;
import io.orrery.ps.JobToken;
import io.orrery.ps.protocol.KeyProof;
import io.orrery.ps.protocol.sbe.ChallengeDecoder;
import io.orrery.ps.protocol.sbe.MessageHeaderDecoder;
import io.orrery.ps.transport.AeronEndpoint;
import io.orrery.ps.transport.Channels;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The rogue process of the fuzz scenarios: its own media driver and {@code count} {@link FuzzMessages}, each with one
 * field mutated, half with the job's token (or, in a keyed job, half proven with the key) and half without. It never
 * joins. Prints {@code rogue sent=n notDelivered=m ...} and exits.
 *
 * <p>In a keyed job (the secret in {@link JobSecret#ENVIRONMENT_VARIABLE}, as the job's workers get it) the valid
 * token is 0, and towards the server the rogue also listens on the server's replies channel, as a worker does, for
 * the Challenges that answer its own Joins, so that its JoinProofs carry a nonce the server really issued to it
 * ({@code challenges=n} in the last line).
 *
 * <p>Towards the server (7 arguments: host port tokenFile workers steps count seed): publications on the server's
 * ingress (control stream and shard 0's gradient stream) like a worker's, every message type in turn. Towards the
 * workers (an 8th argument, {@code host:port,host:port,...}): a publication on the broadcast stream to each endpoint
 * that answers (a worker's broadcast subscription does; its other sockets do not), the server-to-worker types in turn.
 */
public final class RogueSender {

    private static final int TERM_LENGTH = 1 << 20;
    /** Send rate towards a keyed server: 100,000 messages in 50 s, about a full job's training time. */
    static final long KEYED_MESSAGES_PER_SECOND = 2000;
    private static final List<Integer> TO_WORKER_TYPES = FuzzMessages.TO_WORKER;

    private RogueSender() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        JobKey key = JobSecret.fromEnvironment(System.getenv()).map(s -> JobKey.derive(s, ChaosJob.JOB_ID)).orElse(null);
        long token = key != null ? 0 : JobToken.read(Path.of(args[2]));
        int workers = Integer.parseInt(args[3]);
        long steps = Long.parseLong(args[4]);
        long count = Long.parseLong(args[5]);
        long seed = Long.parseLong(args[6]);
        FuzzMessages fuzz = new FuzzMessages(ChaosJob.JOB_ID, token, key, workers, steps, new Random(seed));
        UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        long sent = 0;
        long notDelivered = 0;
        String targets;
        try (AeronEndpoint endpoint = AeronEndpoint.start("rogue", null, TERM_LENGTH, 4)) {
            if (args.length > 7) {
                List<Publication> toWorkers = connectToWorkers(endpoint, args[7].split(","));
                targets = "targets=" + toWorkers.size() + "/" + args[7].split(",").length;
                if (toWorkers.isEmpty()) {
                    System.out.println("failed rogue: no worker endpoint of " + args[7] + " accepted a connection in 5 s");
                    System.exit(2);
                }
                for (long i = 0; i < count; i++) {
                    int type = TO_WORKER_TYPES.get((int) (i % TO_WORKER_TYPES.size()));
                    boolean validToken = (i / TO_WORKER_TYPES.size()) % 2 == 0;
                    int length = fuzz.write(type, validToken, buffer);
                    if (offer(toWorkers.get((int) (i % toWorkers.size())), buffer, length)) {
                        sent++;
                    } else {
                        notDelivered++;
                    }
                }
            } else {
                String channel = Channels.workerEgress(host, port, Channels.udpMtu(host, TERM_LENGTH), TERM_LENGTH);
                Publication control = endpoint.aeron().addPublication(channel, Channels.CONTROL_STREAM_ID);
                Publication shard = endpoint.aeron().addPublication(channel, Channels.SHARD_STREAM_BASE);
                Subscription replies = key == null ? null : endpoint.aeron().addSubscription(
                        Channels.workerBroadcast(host, port, host), Channels.BROADCAST_STREAM_ID);
                if (!awaitConnected(List.of(control, shard), 30_000)) {
                    System.out.println("failed rogue: the server at " + host + ":" + port + " never connected in 30 s");
                    System.exit(2);
                }
                Challenges challenges = new Challenges(fuzz);
                if (replies != null) {
                    fuzz.sender(control.sessionId(), boundEndpoint(replies));
                }
                targets = "targets=server";
                long startNs = System.nanoTime();
                for (long i = 0; i < count; i++) {
                    if (replies != null) {
                        pace(startNs, i);
                    }
                    int type = (int) (i % FuzzMessages.TYPES.size());
                    boolean validToken = (i / FuzzMessages.TYPES.size()) % 2 == 0;
                    int length = fuzz.write(type, validToken, buffer);
                    if (offer(FuzzMessages.onShardStream(type) ? shard : control, buffer, length)) {
                        sent++;
                    } else {
                        notDelivered++;
                    }
                    if (replies != null) {
                        replies.poll(challenges, 16);
                    }
                }
                if (key != null) {
                    targets += " challenges=" + challenges.received + " ownChallenges=" + challenges.own
                            + " proofsOverIssuedNonces=" + fuzz.challengesUsed();
                }
            }
        }
        System.out.println("rogue sent=" + sent + " notDelivered=" + notDelivered + " " + targets);
        System.exit(0);
    }

    /**
     * A publication on the broadcast stream to each endpoint; those not connected once some have been for half a
     * second (or after 5 s) are dropped: on one host an answering port connects within milliseconds.
     */
    private static List<Publication> connectToWorkers(AeronEndpoint endpoint, String[] endpoints) throws InterruptedException {
        List<Publication> all = new ArrayList<>();
        for (String target : endpoints) {
            all.add(endpoint.aeron().addPublication("aeron:udp?endpoint=" + target + "|mtu=1408|term-length="
                    + TERM_LENGTH, Channels.BROADCAST_STREAM_ID));
        }
        long until = System.nanoTime() + 5_000_000_000L;
        long firstConnected = 0;
        while (System.nanoTime() < until && !all.stream().allMatch(Publication::isConnected)) {
            if (firstConnected == 0 && all.stream().anyMatch(Publication::isConnected)) {
                firstConnected = System.nanoTime();
            }
            if (firstConnected != 0 && System.nanoTime() - firstConnected > 500_000_000L) {
                break;
            }
            Thread.sleep(10);
        }
        List<Publication> connected = new ArrayList<>();
        for (Publication p : all) {
            if (p.isConnected()) {
                connected.add(p);
            } else {
                p.close();
            }
        }
        return connected;
    }

    /**
     * Keyed: at most {@link #KEYED_MESSAGES_PER_SECOND}, so that Challenges to the rogue's Joins (the server issues
     * at most 20 a second, shared with its rejections) come back while it still sends JoinProofs. At full speed
     * 10,000 messages left in about a second and only 3 JoinProofs carried a nonce the server had issued.
     */
    private static void pace(long startNs, long sent) throws InterruptedException {
        long dueNs = startNs + sent * 1_000_000_000L / KEYED_MESSAGES_PER_SECOND;
        while (System.nanoTime() < dueNs) {
            Thread.sleep(1);
        }
    }

    /** The {@code host:port} the subscription bound (an ephemeral port), or a placeholder if it has none yet. */
    private static String boundEndpoint(Subscription subscription) throws InterruptedException {
        for (int i = 0; i < 500 && subscription.localSocketAddresses().isEmpty(); i++) {
            Thread.sleep(10);
        }
        List<String> bound = subscription.localSocketAddresses();
        return bound.isEmpty() ? "127.0.0.1:9" : bound.get(0);
    }

    /** Reads Challenges off the replies channel and hands their nonces to the fuzz. */
    private static final class Challenges implements FragmentHandler {
        private final FuzzMessages fuzz;
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final ChallengeDecoder challenge = new ChallengeDecoder();
        private final byte[] nonce = new byte[KeyProof.NONCE_LENGTH];
        long received;
        long own;

        Challenges(FuzzMessages fuzz) {
            this.fuzz = fuzz;
        }

        @Override
        public void onFragment(DirectBuffer buffer, int offset, int length, Header frame) {
            if (length < MessageHeaderDecoder.ENCODED_LENGTH + ChallengeDecoder.BLOCK_LENGTH) {
                return;
            }
            header.wrap(buffer, offset);
            if (header.schemaId() != ChallengeDecoder.SCHEMA_ID || header.templateId() != ChallengeDecoder.TEMPLATE_ID) {
                return;
            }
            challenge.wrapAndApplyHeader(buffer, offset, header);
            challenge.getNonce(nonce, 0, nonce.length);
            received++;
            if (fuzz.challenged(challenge.correlationId(), nonce)) {
                own++;
            }
        }
    }

    private static boolean awaitConnected(List<Publication> publications, long timeoutMs) throws InterruptedException {
        long until = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < until) {
            if (publications.stream().allMatch(Publication::isConnected)) {
                return true;
            }
            Thread.sleep(10);
        }
        return publications.stream().allMatch(Publication::isConnected);
    }

    /** Offers with a bounded retry; false when the message could not be delivered. */
    private static boolean offer(Publication to, UnsafeBuffer buffer, int length) throws InterruptedException {
        long result = Publication.BACK_PRESSURED;
        for (int attempt = 0; attempt < 1000 && result < 0 && result != Publication.CLOSED
                && result != Publication.MAX_POSITION_EXCEEDED; attempt++) {
            result = to.offer(buffer, 0, length);
            if (result < 0) {
                Thread.onSpinWait();
                if (attempt > 100) {
                    Thread.sleep(1);
                }
            }
        }
        return result >= 0;
    }
}
