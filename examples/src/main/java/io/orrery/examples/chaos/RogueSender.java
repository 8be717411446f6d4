package io.orrery.examples.chaos;

import io.aeron.Publication;
import io.orrery.ps.JobToken;
import io.orrery.ps.transport.AeronEndpoint;
import io.orrery.ps.transport.Channels;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;

/**
 * The rogue process of the fuzz scenario: its own media driver, publications on the server's ingress (control stream
 * and shard 0's gradient stream) like a worker's, and {@code count} {@link FuzzMessages}: every message type in
 * turn, half with the job's token and half without, each with one field mutated. It never joins. Prints
 * {@code rogue sent=n notDelivered=m} and exits.
 *
 * <p>Arguments: host port tokenFile workers steps count seed
 */
public final class RogueSender {

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
        int termLength = 1 << 20;
        FuzzMessages fuzz = new FuzzMessages(1, token, workers, steps, new Random(seed));
        UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        long sent = 0;
        long notDelivered = 0;
        try (AeronEndpoint endpoint = AeronEndpoint.start("rogue", null, termLength, 4)) {
            String channel = Channels.workerEgress(host, port, Channels.udpMtu(host, termLength), termLength);
            Publication control = endpoint.aeron().addPublication(channel, Channels.CONTROL_STREAM_ID);
            Publication shard = endpoint.aeron().addPublication(channel, Channels.SHARD_STREAM_BASE);
            long until = System.nanoTime() + 30_000_000_000L;
            while ((!control.isConnected() || !shard.isConnected()) && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            if (!control.isConnected() || !shard.isConnected()) {
                System.out.println("failed rogue: the server at " + host + ":" + port + " never connected in 30 s");
                System.exit(2);
            }
            for (long i = 0; i < count; i++) {
                int type = (int) (i % FuzzMessages.TYPES.size());
                boolean validToken = (i / FuzzMessages.TYPES.size()) % 2 == 0;
                int length = fuzz.write(type, validToken, buffer);
                Publication to = type == 4 || type == 6 ? shard : control;
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
                if (result < 0) {
                    notDelivered++;
                } else {
                    sent++;
                }
            }
        }
        System.out.println("rogue sent=" + sent + " notDelivered=" + notDelivered);
        System.exit(0);
    }
}
