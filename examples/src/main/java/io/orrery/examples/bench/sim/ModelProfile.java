package io.orrery.examples.bench.sim;

import java.util.List;

/**
 * A model the simulator scales: its size on the wire, the per-worker batch, and the compute time per sample of one
 * worker, each with where that figure comes from.
 *
 * @param name                    the model
 * @param parameters              trainable parameters (floats in the gradient)
 * @param batchPerWorker          samples per worker per step
 * @param computeSecondsPerSample forward + backward per sample on one worker
 * @param source                  where the compute figure comes from (measured here, or a cited publication)
 */
public record ModelProfile(String name, long parameters, int batchPerWorker, double computeSecondsPerSample,
                           String source) {

    /** The Keras book's MNIST convnet (Conv2D 32/64/128, two max-poolings, Dense 10): 104,202 parameters. */
    public static final long KERAS_CONVNET_PARAMETERS = 104_202;
    /** ResNet-50 (v1.5, ImageNet, 1000 classes): 25,557,032 parameters. */
    public static final long RESNET50_PARAMETERS = 25_557_032;

    /** The reference MLP with this machine's CPU figure: core's best epoch, 1.56 s for 60,000 samples. */
    public static ModelProfile mnistMlp(double computeSecondsPerSample, String source) {
        return new ModelProfile("MNIST MLP", Workload.MNIST_MLP_PARAMETERS, 128, computeSecondsPerSample, source);
    }

    /**
     * The three models the report scales: the MNIST MLP (compute fitted to this grid, or core's measured epoch), the
     * Keras book convnet (PyTorch 1.13 on this machine: 13.3 s per 60,000-sample epoch with 2 threads, FIELD-NOTES.md,
     * 2026-12-02) and a ResNet-50-sized model on one V100 GPU (FP32 training, 356 images/s: NVIDIA
     * DeepLearningExamples, PyTorch ResNet50 v1.5 README, "Training performance: NVIDIA DGX-1 (8x V100 32GB)").
     */
    public static List<ModelProfile> reference(ModelProfile mlp) {
        return List.of(mlp,
                new ModelProfile("Keras convnet", KERAS_CONVNET_PARAMETERS, 64, 13.3 / 60_000,
                        "PyTorch 1.13.1 on this machine's 2 CPU cores (13.3 s per epoch)"),
                new ModelProfile("ResNet-50", RESNET50_PARAMETERS, 64, 1.0 / 356,
                        "one V100, FP32, 356 images/s (NVIDIA DeepLearningExamples ResNet50 v1.5)"));
    }

    /** The workload for the step model, with the given straggler jitter. */
    public Workload workload(double jitter) {
        return new Workload(parameters, batchPerWorker, computeSecondsPerSample, jitter);
    }
}
