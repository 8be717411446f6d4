/**
 * Aeron plumbing shared by server and client: the embedded media driver (own directory, free-space check,
 * consistent timeouts), channel strings, UDP settings chosen from the interface that carries the traffic (frame
 * length, receiver window, socket buffers), and {@code offer()} with bounded retry.
 */
package io.orrery.ps.transport;
