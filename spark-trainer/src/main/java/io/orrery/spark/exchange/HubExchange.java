package io.orrery.spark.exchange;

import io.orrery.spark.ReplicableModel;
import org.apache.spark.BarrierTaskContext;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Synchronous exchange without a parameter server: worker 0 of the barrier stage is a hub. The workers find it
 * with one {@link BarrierTaskContext#allGather} and connect over TCP; each step every worker sends its batch-mean
 * gradient to the hub, which sums them in worker order, averages, and sends the average back. Every worker then
 * applies its own copy of the optimizer to the same bytes, so all replicas stay identical and equal one worker on
 * the global batch (docs/architecture.md, invariant 2).
 *
 * <p>Spark's barrier RPC itself polls about once a second, too slow for a step; it is used only to meet.
 */
public final class HubExchange implements GradientExchange {

    /** How long a worker waits for the hub or its peers before the step fails. */
    private static final int TIMEOUT_MS = 120_000;

    private final BarrierTaskContext context;
    private final ReplicableModel replica;
    private final int worker;
    private final int workers;
    private final long token;
    private final byte[] bytes;
    private final float[] sum;
    private final float[] received;
    private ServerSocket server;
    private Socket[] peers;
    private DataInputStream[] inputs;
    private DataOutputStream[] outputs;
    private String hub;
    private boolean closed;

    private HubExchange(BarrierTaskContext context, ReplicableModel replica) {
        this.context = context;
        this.replica = replica;
        this.worker = context.partitionId();
        this.workers = context.getTaskInfos().length;
        // Stage id and attempt: a connection from another stage or attempt is refused.
        this.token = ((long) context.stageId() << 32) | context.stageAttemptNumber();
        int length = Math.toIntExact(replica.gradients().length());
        this.bytes = new byte[length * Float.BYTES];
        this.sum = new float[length];
        this.received = new float[length];
    }

    /** The factory to pass to the trainer. */
    public static ExchangeFactory factory() {
        return HubExchange::new;
    }

    @Override
    public long join(long plannedStep) {
        try {
            String own = "";
            if (worker == 0) {
                server = new ServerSocket();
                server.bind(new InetSocketAddress(0));
                server.setSoTimeout(TIMEOUT_MS);
                own = context.getTaskInfos()[0].address().replaceAll(":.*", "") + ":" + server.getLocalPort();
            }
            hub = context.allGather(own)[0];
            if (worker == 0) {
                acceptPeers();
            } else {
                connectToHub();
            }
            return plannedStep;
        } catch (IOException e) {
            throw new ExchangeException("cannot connect workers: hub=" + hub + " worker=" + worker + " reason="
                    + e.getMessage() + ". Check that executors can open TCP connections to each other.", e);
        }
    }

    private void acceptPeers() throws IOException {
        peers = new Socket[workers];
        inputs = new DataInputStream[workers];
        outputs = new DataOutputStream[workers];
        for (int accepted = 1; accepted < workers; ) {
            Socket socket = server.accept();
            socket.setSoTimeout(TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            long theirToken = in.readLong();
            int theirWorker = in.readInt();
            if (theirToken != token || theirWorker <= 0 || theirWorker >= workers || peers[theirWorker] != null) {
                socket.close();  // a stale or foreign connection: not part of this stage attempt
                continue;
            }
            peers[theirWorker] = socket;
            inputs[theirWorker] = in;
            outputs[theirWorker] = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
            accepted++;
        }
    }

    private void connectToHub() throws IOException {
        int colon = hub.lastIndexOf(':');
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(hub.substring(0, colon), Integer.parseInt(hub.substring(colon + 1))),
                TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        peers = new Socket[] {socket};
        inputs = new DataInputStream[] {new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16))};
        outputs = new DataOutputStream[] {new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16))};
        outputs[0].writeLong(token);
        outputs[0].writeInt(worker);
        outputs[0].flush();
    }

    @Override
    public void exchange(long step) {
        float[] own = replica.gradients().toFloatVector();
        try {
            if (worker == 0) {
                System.arraycopy(own, 0, sum, 0, sum.length);
                for (int k = 1; k < workers; k++) {
                    long theirStep = inputs[k].readLong();
                    if (theirStep != step) {
                        throw new ExchangeException("worker " + k + " sent step=" + theirStep + ", expected step="
                                + step);
                    }
                    readFloats(inputs[k], received);
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += received[i];
                    }
                }
                float scale = 1f / workers;
                for (int i = 0; i < sum.length; i++) {
                    sum[i] *= scale;
                }
                for (int k = 1; k < workers; k++) {
                    writeFloats(outputs[k], sum);
                }
            } else {
                outputs[0].writeLong(step);
                writeFloats(outputs[0], own);
                readFloats(inputs[0], sum);
            }
        } catch (SocketTimeoutException e) {
            throw new ExchangeException("gradient exchange timed out after " + TIMEOUT_MS + " ms: hub=" + hub
                    + " worker=" + worker + " step=" + step, e);
        } catch (IOException e) {
            throw new ExchangeException("gradient exchange failed: hub=" + hub + " worker=" + worker + " step="
                    + step + " reason=" + e, e);
        }
        replica.gradients().assign(Nd4j.createFromArray(sum));
        replica.applyGradients();
    }

    private void writeFloats(DataOutputStream out, float[] values) throws IOException {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        out.write(bytes);
        out.flush();
    }

    private void readFloats(DataInputStream in, float[] values) throws IOException {
        in.readFully(bytes);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Socket s : peers == null ? new Socket[0] : peers) {
            closeQuietly(s);
        }
        closeQuietly(server);
        Arrays.fill(sum, 0f);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing after a failure: nothing left to report
            }
        }
    }
}
