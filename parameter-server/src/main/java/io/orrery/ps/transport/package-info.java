/**
 * Aeron plumbing shared by server and client: the embedded media driver (own directory, free-space check,
 * consistent timeouts), channel strings, and {@code offer()} with bounded retry.
 */
package io.orrery.ps.transport;
