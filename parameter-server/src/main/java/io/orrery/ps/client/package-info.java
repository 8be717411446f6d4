/**
 * The worker side: {@link io.orrery.ps.client.ParameterServerClient} joins a job with its token, pushes a model's
 * flat gradient buffer chunked per shard, and copies new parameters straight into the model's flat buffer.
 */
package io.orrery.ps.client;
