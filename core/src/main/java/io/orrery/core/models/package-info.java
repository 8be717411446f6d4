/** Models: {@link io.orrery.core.models.Sequential}, its training loop, flat parameter layout and model files. */
package io.orrery.core.models;
