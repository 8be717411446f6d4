package io.orrery.ps.server;

import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.orrery.ps.GradientEncoding;
import io.orrery.ps.TrainingMode;
import io.orrery.ps.protocol.DropReason;
import io.orrery.ps.protocol.KeyProof;
import io.orrery.ps.protocol.MessageAdapter;
import io.orrery.ps.protocol.MessageListener;
import io.orrery.ps.protocol.ServerProxy;
import io.orrery.ps.protocol.ShardLayout;
import io.orrery.ps.protocol.sbe.HeartbeatDecoder;
import io.orrery.ps.protocol.sbe.JoinDecoder;
import io.orrery.ps.protocol.sbe.JoinProofDecoder;
import io.orrery.ps.protocol.sbe.JoinStatus;
import io.orrery.ps.protocol.sbe.LeaveDecoder;
import io.orrery.ps.protocol.sbe.ParametersRequestDecoder;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership and observability: answers joins (checking job and token, and binding the worker id to the sender),
 * records heartbeats and leaves from the holder of an id only, tells an evicted holder it is no longer a member,
 * reports workers silent for longer than the worker timeout (once, naming id, address and last step), asks shards
 * to republish parameters for a joining worker, and logs the stats line at its interval.
 *
 * <p>With a job key, a Join is answered with a Challenge (a fresh nonce) and only a JoinProof that shows the key
 * over it admits the sender ({@link KeyProof}); the proven worker's parameter endpoint then becomes a destination of
 * the broadcast ({@link BroadcastDestinations}), so nothing of the job reaches a process that never proved the key.
 * Challenges and rejections go on the replies publication, everything for members on the broadcast.
 *
 * <p>It shares shard 0's thread, so it never blocks: replies go through the {@link ControlOutbox} (offered once per
 * duty cycle, rejections and challenges rate limited).
 */
final class ControlAgent implements Agent, MessageListener {

    private static final Logger LOG = LoggerFactory.getLogger(ControlAgent.class);
    /** An evicted holder still sending is told again at most this often. */
    private static final long EVICTION_NOTICE_INTERVAL_NS = 1_000_000_000L;

    private final ParameterServerConfig config;
    private final ShardLayout layout;
    private final Subscription subscription;
    private final ServerProxy proxy;
    private final MessageAdapter adapter;
    private final FragmentAssembler assembler;
    private final WorkerRegistry registry;
    private final ServerStats stats;
    private final ShardAgent[] shards;
    private final boolean[] reportedSilent;
    private final ControlOutbox outbox;
    /** Answers to accepted joins: the broadcast, which only proven workers receive when the job has a key. */
    private final Publication broadcast;
    /** Challenges, rejections and eviction notices: they must reach senders that are not (or no longer) members. */
    private final Publication replies;
    /** Null without a job key. */
    private final KeyProof keyProof;
    private final ChallengeBook challenges = new ChallengeBook();
    private final BroadcastDestinations destinations;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[8192]);
    private final WorkerRegistry.Holder[] evicted = new WorkerRegistry.Holder[1];
    /** The last holder evicted from each id, told again (rate limited) when it still sends. */
    private final WorkerRegistry.Holder[] evictedHolders;
    private final long[] lastEvictionNoticeNs;
    private final long workerTimeoutNs;
    private final long statsIntervalNs;
    private long nextStatsNs;
    private long nextLivenessCheckNs;

    /**
     * @param replies     where challenges and rejections go ({@code broadcast} itself without a job key)
     * @param destinations who receives the broadcast (managed only with a job key over UDP)
     */
    ControlAgent(ParameterServerConfig config, ShardLayout layout, Subscription subscription, Publication broadcast,
                 Publication replies, BroadcastDestinations destinations, WorkerRegistry registry, ServerStats stats,
                 ShardAgent[] shards) {
        this.config = config;
        this.layout = layout;
        this.subscription = subscription;
        this.registry = registry;
        this.stats = stats;
        this.shards = shards;
        this.proxy = new ServerProxy(config.jobId(), 8192, new BackoffIdleStrategy(), config.offerTimeout().toNanos());
        this.adapter = new MessageAdapter(this, stats.drops, 8192);
        this.assembler = new FragmentAssembler(adapter);
        this.outbox = new ControlOutbox(config.offerTimeout().toNanos(), stats);
        this.broadcast = broadcast;
        this.replies = replies;
        this.destinations = destinations;
        this.keyProof = config.jobKey() == null ? null : new KeyProof(config.jobKey());
        this.reportedSilent = new boolean[config.workers()];
        this.evictedHolders = new WorkerRegistry.Holder[config.workers()];
        this.lastEvictionNoticeNs = new long[config.workers()];
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
        long now = System.nanoTime();
        work += outbox.send(now);
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
                destinations.suspend(w);
                if (!config.mode().isSync()) {
                    requestRepublish(); // its peers learn the slowest step without it (ShardPublisher)
                }
                work++;
            } else if (!silent && reportedSilent[w]) {
                LOG.info("worker back: workerId={} address={}", w, registry.address(w));
                reportedSilent[w] = false;
                if (destinations.managed()) {
                    destinations.resume(w);
                    requestRepublish(); // what it missed while it was no destination
                }
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
        long now = System.nanoTime();
        if (join.jobId() != config.jobId()) {
            // Echoes the sender's job id and says nothing of this job: a stranger learns only that it is not served.
            reject(join.jobId(), correlationId, "wrong job: this server does not serve the jobId the worker sent;"
                    + " check the worker's jobId and the server address", now);
            return DropReason.FOREIGN_JOB;
        }
        if (keyProof != null) {
            // The token is not used with a key: the sender must prove the key over a fresh nonce first.
            byte[] nonce = challenges.issue(adapter.sessionId(), adapter.sourceIdentity(), correlationId, workerAddress,
                    now);
            int length = proxy.encodeChallenge(scratch, correlationId, nonce);
            outbox.reject(replies, scratch, length, "challenge", adapter.sessionId(), adapter.sourceIdentity(),
                    now);
            return null;
        }
        if (join.token() != config.token()) {
            reject(join.jobId(), correlationId, "wrong token; give the worker the job's token", now);
            return DropReason.BAD_TOKEN;
        }
        return admit(join.requestedWorkerId(), workerAddress, correlationId, "", now);
    }

    /**
     * The answer to a Challenge: admits the sender when the proof shows the job key over the nonce this sender was
     * sent (used once, whatever the outcome), its own session id and the endpoint it names.
     */
    @Override
    public DropReason onJoinProof(JoinProofDecoder joinProof, byte[] proof, String broadcastEndpoint) {
        if (keyProof == null) {
            return DropReason.UNKNOWN_TEMPLATE;
        }
        long now = System.nanoTime();
        long correlationId = joinProof.correlationId();
        if (joinProof.jobId() != config.jobId()) {
            return DropReason.FOREIGN_JOB;
        }
        int session = adapter.sessionId();
        ChallengeBook.Pending challenge = challenges.take(session, adapter.sourceIdentity(), correlationId, now);
        if (challenge == null) {
            reject(joinProof.jobId(), correlationId, "join refused: no challenge outstanding for this sender (expired"
                    + " or already answered); send a new Join", now);
            return DropReason.BAD_PROOF;
        }
        int requested = joinProof.requestedWorkerId();
        if (!keyProof.verify(proof, challenge.nonce(), config.jobId(), correlationId, requested, session,
                broadcastEndpoint)) {
            reject(joinProof.jobId(), correlationId, "join refused: the proof does not show the job's key; give the"
                    + " worker the key of this job (the same secret and jobId as the server)", now);
            return DropReason.BAD_PROOF;
        }
        if (destinations.managed() && !isEndpoint(broadcastEndpoint)) {
            reject(joinProof.jobId(), correlationId, "join refused: broadcastEndpoint must be host:port, found "
                    + broadcastEndpoint.length() + " characters that are not", now);
            return DropReason.BAD_LENGTH;
        }
        return admit(requested, challenge.workerAddress(), correlationId, broadcastEndpoint, now);
    }

    /** {@code host:port}, the host a name or an address (IPv6 in brackets), the port 1..65535. */
    private static boolean isEndpoint(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        if (colon < 1 || colon == endpoint.length() - 1 || endpoint.length() > 300) {
            return false;
        }
        for (int i = colon + 1; i < endpoint.length(); i++) {
            if (!Character.isDigit(endpoint.charAt(i))) {
                return false;
            }
        }
        int port = colon + 7 < endpoint.length() ? -1 : Integer.parseInt(endpoint.substring(colon + 1));
        return port >= 1 && port <= 65535 && endpoint.chars().noneMatch(c -> c == '|' || c == '?' || c == '=');
    }

    /**
     * Gives the sender of a join (token checked, or key proven) a worker id, binds the id to its session and source,
     * makes its endpoint a broadcast destination (with a key over UDP) and queues the JoinAck.
     */
    private DropReason admit(int requested, String workerAddress, long correlationId, String broadcastEndpoint,
                             long now) {
        if (requested >= config.workers()) {
            reject(config.jobId(), correlationId, "requested workerId=" + requested + " but the job has workers 0.."
                    + (config.workers() - 1), now);
            return DropReason.UNKNOWN_WORKER;
        }
        int id = registry.join(requested, workerAddress, adapter.sessionId(), adapter.sourceIdentity(), correlationId,
                now, workerTimeoutNs, evicted);
        if (id == WorkerRegistry.TAKEN) {
            // The rejection names the id (others carry -1): the client asks again until the holder times out.
            reject(config.jobId(), correlationId, requested, "workerId=" + requested + " is held by a live worker ("
                    + registry.address(requested) + "); it can be taken over only after its holder has been silent for"
                    + " workerTimeout=" + config.workerTimeout().toMillis() + " ms; join without a requested id", now);
            return DropReason.WRONG_SENDER;
        }
        if (id == WorkerRegistry.FULL) {
            reject(config.jobId(), correlationId, "the job already has " + config.workers()
                    + " live workers; raise workers or stop one", now);
            return DropReason.UNKNOWN_WORKER;
        }
        if (evicted[0] != null) {
            evictedHolders[id] = evicted[0];
            tellEvicted(id, evicted[0], workerAddress, now);
        }
        reportedSilent[id] = false;
        destinations.add(id, broadcastEndpoint); // replaces an evicted holder's endpoint
        long version = currentVersion();
        LOG.info("worker joined: workerId={} address={} requestedWorkerId={} version={} nextStep={} members={}/{}{}",
                id, workerAddress, requested, version, config.mode().isSync() ? version : registry.nextStep(id),
                registry.memberCount(), config.workers(),
                keyProof != null ? " keyProven=true" : "");
        int length = proxy.encodeJoinAck(scratch, config.jobId(), correlationId, JoinStatus.ACCEPTED, config.mode(), id,
                config.workers(), layout.shardCount(), config.firstShard(), config.ownedShards(),
                layout.chunkElements(), config.encoding(), layout.modelLength(), version,
                config.mode().isSync() ? version : registry.nextStep(id), "");
        if (!outbox.reply(broadcast, scratch, length, "join ack workerId=" + id, now)) {
            LOG.error("could not answer join, control replies are backed up: workerId={} address={}", id, workerAddress);
        }
        return null;
    }

    /**
     * A JoinAck REJECTED with the evicted holder's own correlation id: its client reads it as "you are no longer a
     * member" and fails its next wait with the reason.
     */
    private void tellEvicted(int id, WorkerRegistry.Holder holder, String newAddress, long now) {
        lastEvictionNoticeNs[id] = now;
        String reason = "evicted: workerId=" + id + " was taken over by " + newAddress + " after this worker ("
                + holder.address() + ") was silent for more than workerTimeout=" + config.workerTimeout().toMillis()
                + " ms; it is no longer a member of the job; restart it to rejoin";
        int length = rejection(config.jobId(), holder.correlationId(), -1, reason);
        outbox.reply(replies, scratch, length, "eviction notice workerId=" + id, now);
    }

    /**
     * Parameters are sent on request, not on every join: a broadcast of the whole model reaches every subscriber,
     * and workers that are not reading yet would hold it back (flow control follows the slowest receiver).
     * Concurrent requests coalesce in each shard into one broadcast.
     */
    @Override
    public DropReason onParametersRequest(ParametersRequestDecoder request) {
        DropReason bad = checkHolder(request.jobId(), request.token(), request.workerId());
        if (bad == null) {
            registry.seen(request.workerId(), System.nanoTime());
            requestRepublish();
        }
        return bad;
    }

    private void requestRepublish() {
        for (ShardAgent shard : shards) {
            shard.requestRepublish();
        }
    }

    /** Queues a join rejection (rate limited); it carries nothing about the job's layout. */
    private void reject(long jobIdField, long correlationId, String reason, long now) {
        reject(jobIdField, correlationId, -1, reason, now);
    }

    private void reject(long jobIdField, long correlationId, int heldId, String reason, long now) {
        int length = rejection(jobIdField, correlationId, heldId, reason);
        outbox.reject(replies, scratch, length, "join rejection", adapter.sessionId(), adapter.sourceIdentity(), now);
    }

    private int rejection(long jobIdField, long correlationId, int heldId, String reason) {
        return proxy.encodeJoinAck(scratch, jobIdField, correlationId, JoinStatus.REJECTED, TrainingMode.SYNC, heldId,
                0, 0, 0, 0, 0, GradientEncoding.FLOAT32, 0, -1, -1, reason);
    }

    @Override
    public DropReason onHeartbeat(HeartbeatDecoder heartbeat) {
        DropReason bad = checkHolder(heartbeat.jobId(), heartbeat.token(), heartbeat.workerId());
        if (bad == null) {
            registry.seen(heartbeat.workerId(), System.nanoTime());
            // No honest worker has pushed a step beyond the version every shard has published (it computes step t
            // on version t); a larger claim would only make a SYNC step wait for chunks that never come.
            registry.announced(heartbeat.workerId(), Math.min(heartbeat.step(), currentVersion()));
        }
        return bad;
    }

    @Override
    public DropReason onLeave(LeaveDecoder leave) {
        DropReason bad = checkHolder(leave.jobId(), leave.token(), leave.workerId());
        if (bad == null) {
            int id = leave.workerId();
            String address = registry.address(id);
            registry.leave(id);
            destinations.remove(id);
            LOG.info("worker left: workerId={} address={} lastStep={} version={}", id, address,
                    registry.leftAfterStep(id), currentVersion());
        }
        return bad;
    }

    /** Job, token, a member id, and the sender that holds it (an evicted holder still sending is told again). */
    private DropReason checkHolder(long jobId, long token, int workerId) {
        if (jobId != config.jobId()) {
            return DropReason.FOREIGN_JOB;
        }
        if (token != config.token()) {
            return DropReason.BAD_TOKEN;
        }
        if (!registry.isMember(workerId)) {
            return DropReason.UNKNOWN_WORKER;
        }
        int session = adapter.sessionId();
        String source = adapter.sourceIdentity();
        if (!registry.holds(workerId, session, source)) {
            WorkerRegistry.Holder old = evictedHolders[workerId];
            long now = System.nanoTime();
            if (old != null && old.sessionId() == session && old.source().equals(source)
                    && now - lastEvictionNoticeNs[workerId] > EVICTION_NOTICE_INTERVAL_NS) {
                tellEvicted(workerId, old, registry.address(workerId), now);
            }
            return DropReason.WRONG_SENDER;
        }
        return null;
    }
}
