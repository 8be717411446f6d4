/**
 * Datasets: the IDX file format, the local dataset cache, verified downloads, and the MNIST and Fashion-MNIST
 * loaders that return Keras's {@code load_data()} shapes.
 *
 * <p>Entry points: {@link io.orrery.core.data.Mnist#load()}, {@link io.orrery.core.data.FashionMnist#load()} and,
 * for any IDX file, {@link io.orrery.core.data.IdxReader#read(java.nio.file.Path)}.
 */
package io.orrery.core.data;
