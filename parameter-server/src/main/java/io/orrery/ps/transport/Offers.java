package io.orrery.ps.transport;

import io.aeron.Publication;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * {@link Publication#offer} with every result handled: back pressure, not connected and admin action are retried
 * with an idle strategy until a deadline; closed and max-position-exceeded fail at once. Never spins forever and
 * never drops silently: a failure is a {@link TransportException} saying what was last returned.
 */
public final class Offers {

    private Offers() {
    }

    /**
     * Offers {@code length} bytes and retries transient failures for at most {@code timeoutNs}.
     *
     * @param what short description for the error message, e.g. {@code "gradient chunk"}
     * @return the new stream position
     * @throws TransportException when the publication is closed or the deadline passes
     */
    public static long offer(Publication publication, DirectBuffer buffer, int offset, int length,
                             IdleStrategy idle, long timeoutNs, String what) {
        long result = publication.offer(buffer, offset, length);
        if (result > 0) {
            return result;
        }
        long deadlineNs = System.nanoTime() + timeoutNs;
        idle.reset();
        while (true) {
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
                throw failure(publication, what, result, "the publication cannot carry more messages; restart the client");
            }
            if (result > 0) {
                return result;
            }
            if (System.nanoTime() - deadlineNs >= 0) {
                throw failure(publication, what, result, result == Publication.NOT_CONNECTED
                        ? "no subscriber is connected: is the other side running and reachable on this channel?"
                        : "the receiver is not keeping up; raise offerTimeout or check the receiver");
            }
            idle.idle();
            result = publication.offer(buffer, offset, length);
        }
    }

    /** Readable name of a negative {@code offer()} result. */
    public static String resultName(long result) {
        if (result == Publication.NOT_CONNECTED) {
            return "NOT_CONNECTED";
        } else if (result == Publication.BACK_PRESSURED) {
            return "BACK_PRESSURED";
        } else if (result == Publication.ADMIN_ACTION) {
            return "ADMIN_ACTION";
        } else if (result == Publication.CLOSED) {
            return "CLOSED";
        } else if (result == Publication.MAX_POSITION_EXCEEDED) {
            return "MAX_POSITION_EXCEEDED";
        }
        return Long.toString(result);
    }

    private static TransportException failure(Publication publication, String what, long result, String hint) {
        return new TransportException("offer failed: what=" + what + " result=" + resultName(result)
                + " channel=" + publication.channel() + " streamId=" + publication.streamId() + " hint=\"" + hint + "\"");
    }
}
