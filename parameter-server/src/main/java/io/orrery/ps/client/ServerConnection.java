package io.orrery.ps.client;

import io.aeron.ControlledFragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.orrery.ps.protocol.DropCounters;
import io.orrery.ps.protocol.MessageAdapter;
import io.orrery.ps.protocol.MessageListener;
import io.orrery.ps.protocol.ServerProxy;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.transport.AeronEndpoint;
import io.orrery.ps.transport.Channels;
import org.agrona.CloseHelper;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * One server process of the job, as a worker sees it: its broadcast subscription, its control publication, the
 * adapter that decodes its broadcast, and what it answered to this worker's join.
 *
 * <p>For a job with a key over UDP the worker has two subscriptions: {@link #broadcast}, a plain endpoint on an
 * ephemeral port that the server adds as a destination of its parameter publication once this worker has proved the
 * key, and {@link #replies}, registered at the server's control port, for challenges and rejections.
 */
final class ServerConnection {

    private static final int FRAGMENT_LIMIT = 64;

    final ClientConfig.Target target;
    final AeronEndpoint endpoint;
    final Subscription broadcast;
    /** Challenges and rejections of a server with a key over UDP; null otherwise (they come on the broadcast). */
    final Subscription replies;
    /** {@code host:port} of {@link #broadcast} for the server to send parameters to; empty when not keyed UDP. */
    final String broadcastEndpoint;
    /** Join, heartbeats, parameter requests, leave; lock on it to offer (the heartbeat thread shares it). */
    final Publication control;
    final MessageAdapter adapter;
    /**
     * Puts a chunk Aeron cut into several frames back together before the adapter sees it: the chunk size is the
     * server's job setting, larger than a frame whenever the MTU is small (ParameterServerConfig#chunkElements).
     */
    private final ControlledFragmentAssembler fragments;
    private final ControlledFragmentAssembler replyFragments;
    /** True while {@link #replies} is polled: the listener accepts only challenges and rejections from it. */
    boolean pollingReplies;
    /** The worker id the last Join asked for (named in the JoinProof). */
    int requestedWorkerId = -1;
    /** Session and source of the Challenge this worker answered last: the server's replies publication. */
    int challengerSessionId;
    String challengerSource;
    /** Names this worker's Join, so that its answer is told apart from other workers' on the shared broadcast. */
    final long correlationId = ThreadLocalRandom.current().nextLong();
    /**
     * The Aeron session id of every publication to this server (control and gradients): the server binds this
     * worker's id to it at the join and accepts the id only from it.
     */
    final int sessionId;
    boolean joined;
    String rejection;
    /** The last rejection said the requested id is held by a live worker (it may time out: join again). */
    boolean idHeld;
    int firstShard;
    int ownedShards;

    /**
     * @param listeners makes the listener of this connection's broadcast (it is told which connection it serves)
     */
    ServerConnection(ClientConfig config, ClientConfig.Target target, AeronEndpoint endpoint, DropCounters drops,
                     Function<ServerConnection, MessageListener> listeners, int sessionId) {
        this.target = target;
        this.sessionId = sessionId;
        this.endpoint = endpoint;
        boolean keyedUdp = config.jobKey != null && target.host != null;
        this.broadcast = endpoint.aeron().addSubscription(keyedUdp
                ? Channels.workerParameters(target.host, config.localAddress)
                : Channels.workerBroadcast(target.host, target.port, config.localAddress), Channels.BROADCAST_STREAM_ID);
        this.replies = !keyedUdp ? null : endpoint.aeron().addSubscription(
                Channels.workerBroadcast(target.host, target.port, config.localAddress), Channels.BROADCAST_STREAM_ID);
        this.broadcastEndpoint = keyedUdp ? boundEndpoint(broadcast, target) : "";
        // Exclusive: concurrent publications of one channel share one session, and each worker needs its own. An
        // exclusive publication has one writer at a time: the heartbeat thread and the caller lock on it.
        this.control = endpoint.aeron().addExclusivePublication(
                Channels.workerEgress(target.host, target.port, config.mtu, config.termLength, sessionId),
                Channels.CONTROL_STREAM_ID);
        // The longest chunk this worker accepts at the join (JoinHandshake): what its own term length allows.
        this.adapter = new MessageAdapter(listeners.apply(this), drops,
                ServerProxy.parameterMessageLength(ShardLayout.maxChunkElements(config.termLength) * 4));
        this.fragments = new ControlledFragmentAssembler(adapter.controlled());
        this.replyFragments = new ControlledFragmentAssembler(adapter.controlled());
    }

    /** The {@code host:port} the subscription's socket bound (its port was ephemeral). */
    private static String boundEndpoint(Subscription subscription, ClientConfig.Target target) {
        long deadlineNs = System.nanoTime() + 5_000_000_000L;
        while (true) {
            List<String> bound = subscription.localSocketAddresses();
            if (!bound.isEmpty()) {
                return bound.get(0);
            }
            if (System.nanoTime() - deadlineNs >= 0) {
                throw new IllegalStateException("the parameter subscription for " + target + " did not bind a local"
                        + " UDP port within 5 s (channel=" + subscription.channel() + "); check localAddress");
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    /**
     * Polls this server's broadcast once (and its replies, for a job with a key over UDP); the listener may stop the
     * poll early through {@link #adapter}.
     */
    int poll() {
        int n = broadcast.controlledPoll(fragments, FRAGMENT_LIMIT);
        if (replies != null) {
            pollingReplies = true;
            try {
                n += replies.controlledPoll(replyFragments, FRAGMENT_LIMIT);
            } finally {
                pollingReplies = false;
            }
        }
        return n;
    }

    /** Closes this server's subscriptions and control publication (the endpoint's client stays open). */
    void close() {
        CloseHelper.quietCloseAll(broadcast, replies, control);
    }

    /**
     * Ready to join: the control publication and the channel the join's answers come on (for a job with a key over
     * UDP the replies channel; the parameter channel connects only once the key is proven).
     */
    boolean connected() {
        return (replies != null ? replies.isConnected() : broadcast.isConnected()) && control.isConnected();
    }
}
