package io.orrery.ps.client;

import io.orrery.ps.protocol.DropReason;

import java.util.Objects;

/**
 * Which sender a worker takes one server's broadcast from. A worker's broadcast endpoint is a UDP port that anyone
 * on the network can send to (or, over IPC, a stream any process on the driver can publish on), and its messages
 * carry no token: a rogue could otherwise send parameter chunks, step failures or eviction notices that pass every
 * field check. So the worker binds, at the join, to the Aeron session and source ({@code host:port} of the sending
 * socket, as its media driver saw it) of the image that delivered the accepted answer to its own Join (matched by a
 * random 64-bit correlation id, which a stranger cannot guess), and from then on drops whatever another sender
 * sends as {@link DropReason#WRONG_SENDER}, before anything in it is used.
 *
 * <p>Before the join nothing is bound and everything is let through: the join's own checks (job id, correlation id)
 * apply then, and parameters are not taken before the join. A server restarted under the same address has a new
 * session: the worker joins it again with a new client, which binds again. One instance per server connection; the
 * worker's polling thread only.
 */
final class ServerSender {

    private boolean bound;
    private int sessionId;
    private String source;

    /** Binds to the sender of the accepted JoinAck; a second call (another accepted answer) changes nothing. */
    void bind(int sessionId, String source) {
        if (bound) {
            return;
        }
        this.sessionId = sessionId;
        this.source = Objects.requireNonNull(source, "source");
        this.bound = true;
    }

    boolean bound() {
        return bound;
    }

    /**
     * Checks the sender of a message about to be used.
     *
     * @return null when it is the bound server (or nothing is bound yet), else {@link DropReason#WRONG_SENDER}
     */
    DropReason check(int sessionId, String source) {
        if (!bound || (sessionId == this.sessionId && this.source.equals(source))) {
            return null;
        }
        return DropReason.WRONG_SENDER;
    }

    /** {@code session=... source=...} of the bound sender, or {@code unbound}, for log lines. */
    @Override
    public String toString() {
        return bound ? "session=" + sessionId + " source=" + source : "unbound";
    }
}
