package io.orrery.ps.client;

import io.aeron.Publication;
import io.orrery.ps.protocol.DropCounters;
import io.orrery.ps.protocol.MessageListener;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.transport.AeronEndpoint;
import io.orrery.ps.transport.Channels;
import io.orrery.ps.transport.DriverDemand;
import io.orrery.ps.transport.SharedDriver;
import org.agrona.CloseHelper;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Connection setup: the worker's Aeron endpoints (one driver for all UDP servers, or each IPC server's own
 * driver), one {@link ServerConnection} per server process, and, once the join has told who hosts which shard, the
 * publication of each shard's gradients. {@link #close()} closes the endpoints and releases the shared driver.
 */
final class ServerConnections implements AutoCloseable {

    private static final int LOG_BUFFERS = 64;

    private final ClientConfig config;
    private final List<AeronEndpoint> endpoints = new ArrayList<>();
    private final SharedDriver.Lease driverLease;
    private final List<ServerConnection> connections = new ArrayList<>();
    /**
     * The Aeron session id of all this worker's publications: random (so that workers do not collide), never 0.
     * The servers bind the worker's id to it (and to the sending host and port) at the join.
     */
    private final int sessionId = randomSessionId();
    private Publication[] shardPublications;
    private ServerConnection[] shardOwners;
    /** Over UDP, the worker's demand on its driver while it waits ({@link DemandingWait}); null over IPC. */
    private DriverDemand.Flag waiting;

    ServerConnections(ClientConfig config, DropCounters drops, Function<ServerConnection, MessageListener> listeners) {
        this.config = config;
        boolean udp = config.targets.get(0).host != null;
        this.driverLease = config.sharedDriver ? SharedDriver.acquire(config.termLength, LOG_BUFFERS,
                config.sharedDriverLinger) : null;
        try {
            if (udp) {
                // All UDP servers are reached through one driver (embedded, shared or external).
                AeronEndpoint endpoint = AeronEndpoint.start("worker",
                        driverLease != null ? driverLease.directory() : config.aeronDirectory, config.termLength,
                        LOG_BUFFERS);
                endpoints.add(endpoint);
                waiting = endpoint.demand().flag();
                for (ClientConfig.Target target : config.targets) {
                    connections.add(new ServerConnection(config, target, endpoint, drops, listeners, sessionId));
                }
            } else {
                // IPC: each server's own driver.
                for (ClientConfig.Target target : config.targets) {
                    AeronEndpoint endpoint = AeronEndpoint.start("worker", target.ipcDirectory, config.termLength,
                            LOG_BUFFERS);
                    endpoints.add(endpoint);
                    connections.add(new ServerConnection(config, target, endpoint, drops, listeners, sessionId));
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    static void prelaunchSharedDriver(Duration linger) {
        SharedDriver.acquire(ClientConfig.DEFAULT_TERM_LENGTH, LOG_BUFFERS, linger).close();
    }

    private static int randomSessionId() {
        int id;
        do {
            id = new SecureRandom().nextInt();
        } while (id == 0);
        return id;
    }

    int sessionId() {
        return sessionId;
    }

    List<ServerConnection> all() {
        return Collections.unmodifiableList(connections);
    }

    /**
     * Opens one gradient publication per shard to the server that hosts it, as the servers answered the join.
     *
     * @throws IllegalStateException when two servers host one shard, or none hosts some shard
     */
    void routeShards(ShardLayout layout) {
        shardPublications = new Publication[layout.shardCount()];
        shardOwners = new ServerConnection[layout.shardCount()];
        for (ServerConnection c : connections) {
            for (int s = c.firstShard; s < c.firstShard + c.ownedShards; s++) {
                if (shardOwners[s] != null) {
                    throw new IllegalStateException("shard " + s + " is hosted by both " + shardOwners[s].target + " and "
                            + c.target + "; give each server process its own shardRange");
                }
                shardOwners[s] = c;
                // Exclusive, for this worker's own session id; only the caller's thread offers gradients.
                shardPublications[s] = c.endpoint.aeron().addExclusivePublication(
                        Channels.workerEgress(c.target.host, c.target.port, config.mtu, config.termLength, c.sessionId),
                        Channels.SHARD_STREAM_BASE + s);
            }
        }
        for (int s = 0; s < shardOwners.length; s++) {
            if (shardOwners[s] == null) {
                throw new IllegalStateException("no server hosts shard " + s + " of " + layout.shardCount() + " (servers: "
                        + config.serverDescription() + "); list every server process of the job (alsoUdp/alsoIpc)");
            }
        }
    }

    /** The server hosting {@code shard}; null before {@link #routeShards}. */
    ServerConnection owner(int shard) {
        return shardOwners == null ? null : shardOwners[shard];
    }

    /** Where gradients of {@code shard} go. */
    Publication shardPublication(int shard) {
        return shardPublications[shard];
    }

    /** Each shard's server, for messages naming where missing chunks come from; null with one server. */
    Object[] shardSources() {
        if (connections.size() == 1) {
            return null;
        }
        Object[] sources = new Object[shardOwners.length];
        for (int s = 0; s < sources.length; s++) {
            sources[s] = shardOwners[s].target;
        }
        return sources;
    }

    /**
     * Throws when a server told this worker it is no longer a member (its id was taken over after it was silent):
     * every later wait would only time out.
     */
    void checkEvicted() {
        for (ServerConnection c : connections) {
            if (c.joined && c.rejection != null) {
                throw new WorkerEvictedException("the parameter server at " + c.target + " says: " + c.rejection);
            }
        }
    }

    boolean allBroadcastsConnected() {
        return connections.stream().allMatch(c -> c.broadcast.isConnected());
    }

    /** The worker's demand on its media driver, or null when no driver thread carries its traffic (IPC). */
    DriverDemand.Flag waiting() {
        return waiting;
    }

    @Override
    public void close() {
        if (waiting != null) {
            waiting.lower();
        }
        // Each subscription and publication is closed on its own before the client: the driver then removes it at
        // once, and a broadcast receiver that goes tells the server's flow control so (EOS). Closing only the
        // Aeron client leaves that to the driver's next check of dead clients, up to a second later, and the
        // broadcast, paced by its slowest receiver, held the next epoch's workers back that long (ClosedReceiverTest).
        if (shardPublications != null) {
            CloseHelper.quietCloseAll(shardPublications);
        }
        for (ServerConnection connection : connections) {
            connection.close();
        }
        for (AeronEndpoint endpoint : endpoints) {
            endpoint.close();
        }
        if (driverLease != null) {
            driverLease.close();
        }
    }
}
