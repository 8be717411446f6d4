/**
 * The Orrery parameter server. This package holds its public face: the training mode ({@link
 * io.orrery.ps.TrainingMode}) and gradient encoding ({@link io.orrery.ps.GradientEncoding}) of a job, the facade a
 * trainer uses to run a server in its own JVM ({@link io.orrery.ps.EmbeddedServer}, {@link io.orrery.ps.StatsSnapshot}),
 * and {@link io.orrery.ps.ParameterServerMain}, which runs a server as its own process with the job token from a file
 * or the environment ({@link io.orrery.ps.JobToken}), or with the secret a job's {@link io.orrery.ps.JobKey} is derived
 * from ({@link io.orrery.ps.JobSecret}). The rest is in {@link io.orrery.ps.server} (server), {@link
 * io.orrery.ps.client} (workers), {@link io.orrery.ps.protocol} (wire format) and {@link io.orrery.ps.transport}
 * (Aeron plumbing).
 */
package io.orrery.ps;
