package io.orrery.ps.server;

import io.aeron.Publication;
import io.orrery.ps.transport.Channels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who receives the parameter broadcast of a job with a key over UDP (a manual multi-destination-cast publication):
 * a worker's endpoint is added only after its proven join, taken out while it is silent beyond the worker timeout
 * and when it leaves or its id is taken over. Without a key (or over IPC) there is nothing to manage: every
 * subscriber receives the broadcast, and this is a no-op.
 *
 * <p>Adds and removes are asynchronous ({@code asyncAddDestination}): the control agent shares shard 0's thread and
 * never waits for the driver. Two ids on one endpoint (workers sharing a receiving socket) add it once and remove it
 * with the last. Used by the control agent's thread only.
 */
final class BroadcastDestinations {

    private static final Logger LOG = LoggerFactory.getLogger(BroadcastDestinations.class);

    private final Publication publication;
    private final String[] endpoints;
    private final boolean[] active;

    /** @param publication the manual-MDC parameter publication, or null when destinations are not managed */
    BroadcastDestinations(Publication publication, int workers) {
        this.publication = publication;
        this.endpoints = new String[workers];
        this.active = new boolean[workers];
    }

    boolean managed() {
        return publication != null;
    }

    /** Worker {@code id}, proven, receives parameters at {@code endpoint} ({@code host:port}) from now on. */
    void add(int id, String endpoint) {
        if (publication == null) {
            return;
        }
        if (endpoint.equals(endpoints[id]) && active[id]) {
            return;
        }
        deactivate(id);
        endpoints[id] = endpoint;
        activate(id);
    }

    /** Worker {@code id} left or was replaced: no more parameters to its endpoint. */
    void remove(int id) {
        if (publication == null) {
            return;
        }
        deactivate(id);
        endpoints[id] = null;
    }

    /** Worker {@code id} is silent beyond the worker timeout: stop sending to it until it is heard again. */
    void suspend(int id) {
        if (publication != null) {
            deactivate(id);
        }
    }

    /** Worker {@code id} is heard again after {@link #suspend}: send to it again. */
    void resume(int id) {
        if (publication != null && endpoints[id] != null && !active[id]) {
            activate(id);
        }
    }

    private void activate(int id) {
        active[id] = true;
        if (usersOf(endpoints[id]) == 1) {
            publication.asyncAddDestination(Channels.destination(endpoints[id]));
            LOG.info("broadcast destination added: workerId={} endpoint={}", id, endpoints[id]);
        }
    }

    private void deactivate(int id) {
        if (!active[id]) {
            return;
        }
        active[id] = false;
        if (usersOf(endpoints[id]) == 0) {
            publication.asyncRemoveDestination(Channels.destination(endpoints[id]));
            LOG.info("broadcast destination removed: workerId={} endpoint={}", id, endpoints[id]);
        }
    }

    private int usersOf(String endpoint) {
        int n = 0;
        for (int i = 0; i < endpoints.length; i++) {
            if (active[i] && endpoint.equals(endpoints[i])) {
                n++;
            }
        }
        return n;
    }
}
