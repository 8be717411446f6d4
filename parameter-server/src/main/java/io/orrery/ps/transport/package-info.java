/**
 * Aeron plumbing shared by server and client: the embedded media driver (own directory, free-space check,
 * consistent timeouts, fatal errors such as a dead driver handed to the owner), channel strings, UDP settings chosen
 * from the interface that carries the traffic (frame length, receiver window, socket buffers), {@code offer()} with
 * bounded retry, and an agent error log that cannot be flooded.
 */
package io.orrery.ps.transport;
