/**
 * The worker side: {@link io.orrery.ps.client.ParameterServerClient} joins a job with its token, pushes a model's
 * flat gradient buffer chunked per shard, and copies new parameters straight into the model's flat buffer. Its
 * parts: connection setup, the join handshake, heartbeats, the gradient encoder, the parameter assembler (chunks
 * into versions, no Aeron) and one wait policy per training mode.
 */
package io.orrery.ps.client;
