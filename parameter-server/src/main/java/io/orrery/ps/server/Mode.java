package io.orrery.ps.server;

/** How the server applies gradients. */
public enum Mode {
    /** Wait for all workers' gradients of step t, average, apply once, publish version t+1. Exact (invariant 2). */
    SYNC,
    /** Apply each worker's gradient (scaled by 1/N) on arrival, Downpour-style. */
    ASYNC,
    /** ASYNC, but a worker may run at most {@code stalenessBound} steps ahead of the slowest. */
    BOUNDED
}
