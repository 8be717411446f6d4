/**
 * The Orrery parameter server. {@link io.orrery.ps.ParameterServerMain} runs it as its own process, with the job
 * token from a file or the environment ({@link io.orrery.ps.JobToken}); the library API
 * is in {@link io.orrery.ps.server} (server), {@link io.orrery.ps.client} (workers), {@link io.orrery.ps.protocol}
 * (wire format) and {@link io.orrery.ps.transport} (Aeron plumbing).
 */
package io.orrery.ps;
