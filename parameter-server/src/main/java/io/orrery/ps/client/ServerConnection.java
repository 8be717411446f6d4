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

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * One server process of the job, as a worker sees it: its broadcast subscription, its control publication, the
 * adapter that decodes its broadcast, and what it answered to this worker's join.
 */
final class ServerConnection {

    private static final int FRAGMENT_LIMIT = 64;

    final ClientConfig.Target target;
    final AeronEndpoint endpoint;
    final Subscription broadcast;
    /** Join, heartbeats, parameter requests, leave; lock on it to offer (the heartbeat thread shares it). */
    final Publication control;
    final MessageAdapter adapter;
    /**
     * Puts a chunk Aeron cut into several frames back together before the adapter sees it: the chunk size is the
     * server's job setting, larger than a frame whenever the MTU is small (ParameterServerConfig#chunkElements).
     */
    private final ControlledFragmentAssembler fragments;
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
        this.broadcast = endpoint.aeron().addSubscription(
                Channels.workerBroadcast(target.host, target.port, config.localAddress), Channels.BROADCAST_STREAM_ID);
        // Exclusive: concurrent publications of one channel share one session, and each worker needs its own. An
        // exclusive publication has one writer at a time: the heartbeat thread and the caller lock on it.
        this.control = endpoint.aeron().addExclusivePublication(
                Channels.workerEgress(target.host, target.port, config.mtu, config.termLength, sessionId),
                Channels.CONTROL_STREAM_ID);
        // The longest chunk this worker accepts at the join (JoinHandshake): what its own term length allows.
        this.adapter = new MessageAdapter(listeners.apply(this), drops,
                ServerProxy.parameterMessageLength(ShardLayout.maxChunkElements(config.termLength) * 4));
        this.fragments = new ControlledFragmentAssembler(adapter.controlled());
    }

    /** Polls this server's broadcast once; the listener may stop the poll early through {@link #adapter}. */
    int poll() {
        return broadcast.controlledPoll(fragments, FRAGMENT_LIMIT);
    }

    boolean connected() {
        return broadcast.isConnected() && control.isConnected();
    }
}
