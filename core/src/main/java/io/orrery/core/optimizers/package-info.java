/**
 * Optimizers that update flat parameter buffers in place (Keras 3's formulas, defaults and names), their state, and
 * learning-rate schedules.
 *
 * <p>An optimizer works on any contiguous slice: a parameter-server shard applies it to its own slice with its own
 * {@link io.orrery.core.optimizers.OptimizerState} (through {@link io.orrery.core.optimizers.RangedStep}), and the
 * result equals applying it to the whole buffer.
 *
 * <p>{@link io.orrery.core.optimizers.Optimizer} chooses, in one place, how a step runs: a subclass writes its
 * formula as ND4J ops ({@code ndStep}: any backend, type and view) and, where that is much slower on the CPU backend
 * (a square root costs about 4 ns per element as an ND4J op), once more as a fused float32 loop over heap blocks
 * ({@code hostKernel}; see {@code OptimizerStepBenchmark}). SGD has no square root and writes its formula once.
 *
 * <p>Adding an optimizer: one file here extending {@code Optimizer} (constructor with Keras's defaults,
 * {@code name}, {@code slotCount}, {@code ndStep}, optionally {@code hostKernel}, {@code addConfig} and a static
 * {@code fromConfig(ConfigReader, LearningRateSchedule)}), plus one registration line in
 * {@link io.orrery.core.optimizers.Optimizers}'s registry, which gives it its Keras string name and makes model files
 * that name it loadable. A host-kernel test beside {@code HostKernelTest} and golden numbers beside {@code AdamTest}
 * show it computes what it should.
 */
package io.orrery.core.optimizers;
