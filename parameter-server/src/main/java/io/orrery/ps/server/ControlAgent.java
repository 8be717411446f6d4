package io.orrery.ps.server;

import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.MessageAdapter;
import io.orrery.ps.protocol.MessageListener;
import io.orrery.ps.protocol.ServerProxy;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.protocol.sbe.HeartbeatDecoder;
import io.orrery.ps.protocol.sbe.JoinDecoder;
import io.orrery.ps.protocol.sbe.JoinStatus;
import io.orrery.ps.protocol.sbe.LeaveDecoder;
import io.orrery.ps.protocol.sbe.ParametersRequestDecoder;
import io.orrery.ps.transport.TransportException;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * Membership and observability: answers joins (checking job and token), records heartbeats and leaves, reports
 * workers silent for longer than the worker timeout (once, naming id, address and last step), asks shards to
 * republish parameters for a joining worker, and logs the stats line at its interval.
 */
final class ControlAgent implements Agent, MessageListener {

    private static final Logger LOG = LoggerFactory.getLogger(ControlAgent.class);

    private final ParameterServerConfig config;
    private final ShardLayout layout;
    private final Subscription subscription;
    private final Publication broadcast;
    private final ServerProxy proxy;
    private final FragmentAssembler assembler;
    private final WorkerRegistry registry;
    private final ServerStats stats;
    private final ShardAgent[] shards;
    private final boolean[] reportedSilent;
    /** Join rejections decoded in this duty cycle, sent after the poll ({@link #reject}). */
    private final ArrayDeque<Rejection> pendingRejections = new ArrayDeque<>();
    private final long workerTimeoutNs;
    private final long statsIntervalNs;
    private long nextStatsNs;
    private long nextLivenessCheckNs;

    ControlAgent(ParameterServerConfig config, ShardLayout layout, Subscription subscription, Publication broadcast,
                 WorkerRegistry registry, ServerStats stats, ShardAgent[] shards) {
        this.config = config;
        this.layout = layout;
        this.subscription = subscription;
        this.broadcast = broadcast;
        this.registry = registry;
        this.stats = stats;
        this.shards = shards;
        this.proxy = new ServerProxy(config.jobId(), 8192, new BackoffIdleStrategy(), config.offerTimeout().toNanos());
        this.assembler = new FragmentAssembler(new MessageAdapter(this, stats.drops, 8192));
        this.reportedSilent = new boolean[config.workers()];
        this.workerTimeoutNs = config.workerTimeout().toNanos();
        this.statsIntervalNs = config.statsInterval().toNanos();
        this.nextStatsNs = System.nanoTime() + statsIntervalNs;
    }

    @Override
    public String roleName() {
        return "orrery-ps-control";
    }

    @Override
    public int doWork() {
        int work = subscription.poll(assembler, 16);
        work += sendPendingRejections();
        long now = System.nanoTime();
        if (now - nextLivenessCheckNs >= 0) {
            nextLivenessCheckNs = now + 100_000_000L;
            work += checkLiveness(now);
        }
        if (now - nextStatsNs >= 0) {
            nextStatsNs = now + statsIntervalNs;
            LOG.info("stats: jobId={} members={}/{} version={} {}", config.jobId(), registry.memberCount(),
                    config.workers(), currentVersion(), stats.line());
        }
        return work;
    }

    private int checkLiveness(long now) {
        int work = 0;
        for (int w = 0; w < config.workers(); w++) {
            if (!registry.isMember(w)) {
                continue;
            }
            boolean silent = now - registry.lastSeenNs(w) > workerTimeoutNs;
            if (silent && !reportedSilent[w]) {
                LOG.warn("worker silent: workerId={} address={} silentMs={} lastStep={} timeoutMs={}", w,
                        registry.address(w), (now - registry.lastSeenNs(w)) / 1_000_000, registry.lastStep(w),
                        config.workerTimeout().toMillis());
                reportedSilent[w] = true;
                stats.silentWorkerReports.incrementAndGet();
                work++;
            } else if (!silent && reportedSilent[w]) {
                LOG.info("worker back: workerId={} address={}", w, registry.address(w));
                reportedSilent[w] = false;
            }
        }
        return work;
    }

    /** Lowest version every shard has published. */
    long currentVersion() {
        long min = Long.MAX_VALUE;
        for (ShardAgent shard : shards) {
            min = Math.min(min, shard.publishedVersion());
        }
        return min;
    }

    @Override
    public DropReason onJoin(JoinDecoder join, String workerAddress) {
        long correlationId = join.correlationId();
        if (join.jobId() != config.jobId()) {
            reject(correlationId, "wrong job: expected jobId=" + config.jobId() + " found jobId=" + join.jobId());
            return DropReason.FOREIGN_JOB;
        }
        if (join.token() != config.token()) {
            reject(correlationId, "wrong token for jobId=" + config.jobId() + "; give the worker the job's token");
            return DropReason.BAD_TOKEN;
        }
        int requested = join.requestedWorkerId();
        if (requested >= config.workers()) {
            reject(correlationId, "requested workerId=" + requested + " but the job has workers 0.." + (config.workers() - 1));
            return DropReason.UNKNOWN_WORKER;
        }
        int id = registry.join(requested, workerAddress, System.nanoTime());
        if (id < 0) {
            reject(correlationId, "the job already has " + config.workers() + " workers; raise workers or stop one");
            return DropReason.UNKNOWN_WORKER;
        }
        reportedSilent[id] = false;
        long version = currentVersion();
        LOG.info("worker joined: workerId={} address={} requestedWorkerId={} version={} members={}/{}", id, workerAddress,
                requested, version, registry.memberCount(), config.workers());
        try {
            proxy.joinAck(broadcast, correlationId, JoinStatus.ACCEPTED, config.mode(), id, config.workers(),
                    layout.shardCount(), config.firstShard(), config.ownedShards(), layout.chunkElements(),
                    config.encoding(), layout.modelLength(), version, "");
        } catch (TransportException e) {
            LOG.error("could not answer join: workerId={} address={} error={}", id, workerAddress, e.getMessage());
        }
        return null;
    }

    /**
     * Parameters are sent on request, not on every join: a broadcast of the whole model reaches every subscriber,
     * and workers that are not reading yet would hold it back (flow control follows the slowest receiver).
     * Concurrent requests coalesce in each shard into one broadcast.
     */
    @Override
    public DropReason onParametersRequest(ParametersRequestDecoder request) {
        DropReason bad = checkMember(request.jobId(), request.token(), request.workerId());
        if (bad == null) {
            registry.seen(request.workerId(), System.nanoTime());
            for (ShardAgent shard : shards) {
                shard.requestRepublish();
            }
        }
        return bad;
    }

    /**
     * Queues a join rejection. It is sent after the poll that decoded the join returns, when the adapter has counted
     * the drop, so a rejected worker never sees the server before its counters say what happened.
     */
    private void reject(long correlationId, String reason) {
        pendingRejections.add(new Rejection(correlationId, reason));
    }

    private int sendPendingRejections() {
        int sent = 0;
        Rejection r;
        while ((r = pendingRejections.poll()) != null) {
            sendRejection(r.correlationId(), r.reason());
            sent++;
        }
        return sent;
    }

    private record Rejection(long correlationId, String reason) {
    }

    private void sendRejection(long correlationId, String reason) {
        try {
            proxy.joinAck(broadcast, correlationId, JoinStatus.REJECTED, config.mode(), -1, config.workers(),
                    layout.shardCount(), config.firstShard(), config.ownedShards(), layout.chunkElements(),
                    config.encoding(), layout.modelLength(), -1, reason);
        } catch (TransportException e) {
            LOG.warn("could not send join rejection: reason=\"{}\" error={}", reason, e.getMessage());
        }
    }

    @Override
    public DropReason onHeartbeat(HeartbeatDecoder heartbeat) {
        DropReason bad = checkMember(heartbeat.jobId(), heartbeat.token(), heartbeat.workerId());
        if (bad == null) {
            registry.seen(heartbeat.workerId(), System.nanoTime());
        }
        return bad;
    }

    @Override
    public DropReason onLeave(LeaveDecoder leave) {
        DropReason bad = checkMember(leave.jobId(), leave.token(), leave.workerId());
        if (bad == null) {
            LOG.info("worker left: workerId={} address={}", leave.workerId(), registry.address(leave.workerId()));
            registry.leave(leave.workerId());
        }
        return bad;
    }

    private DropReason checkMember(long jobId, long token, int workerId) {
        if (jobId != config.jobId()) {
            return DropReason.FOREIGN_JOB;
        }
        if (token != config.token()) {
            return DropReason.BAD_TOKEN;
        }
        if (!registry.isMember(workerId)) {
            return DropReason.UNKNOWN_WORKER;
        }
        return null;
    }
}
