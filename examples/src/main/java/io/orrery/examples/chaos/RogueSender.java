package io.orrery.examples.chaos;

import io.aeron.Publication;
import io.orrery.ps.JobToken;
import io.orrery.ps.transport.AeronEndpoint;
import io.orrery.ps.transport.Channels;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The rogue process of the fuzz scenarios: its own media driver and {@code count} {@link FuzzMessages}, each with one
 * field mutated, half with the job's token and half without. It never joins. Prints {@code rogue sent=n
 * notDelivered=m ...} and exits.
 *
 * <p>Towards the server (7 arguments: host port tokenFile workers steps count seed): publications on the server's
 * ingress (control stream and shard 0's gradient stream) like a worker's, every message type in turn. Towards the
 * workers (an 8th argument, {@code host:port,host:port,...}): a publication on the broadcast stream to each endpoint
 * that answers (a worker's broadcast subscription does; its other sockets do not), the server-to-worker types in turn.
 */
public final class RogueSender {

    private static final int TERM_LENGTH = 1 << 20;
    private static final List<Integer> TO_WORKER_TYPES = List.of(FuzzMessages.TYPES.indexOf("JoinAck"),
            FuzzMessages.TYPES.indexOf("ParameterChunk"), FuzzMessages.TYPES.indexOf("StepFailed"));

    private RogueSender() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long token = JobToken.read(Path.of(args[2]));
        int workers = Integer.parseInt(args[3]);
        long steps = Long.parseLong(args[4]);
        long count = Long.parseLong(args[5]);
        long seed = Long.parseLong(args[6]);
        FuzzMessages fuzz = new FuzzMessages(1, token, workers, steps, new Random(seed));
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
                if (!awaitConnected(List.of(control, shard), 30_000)) {
                    System.out.println("failed rogue: the server at " + host + ":" + port + " never connected in 30 s");
                    System.exit(2);
                }
                targets = "targets=server";
                for (long i = 0; i < count; i++) {
                    int type = (int) (i % FuzzMessages.TYPES.size());
                    boolean validToken = (i / FuzzMessages.TYPES.size()) % 2 == 0;
                    int length = fuzz.write(type, validToken, buffer);
                    if (offer(type == 4 || type == 6 ? shard : control, buffer, length)) {
                        sent++;
                    } else {
                        notDelivered++;
                    }
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
