package io.orrery.examples.bench.sim;

import java.util.List;

/**
 * Published scaling figures of other systems, printed next to the simulator's predictions so a reader can see
 * whether the model's numbers are in the range real clusters reach.
 *
 * @param system     who measured
 * @param model      what was trained
 * @param gpus       GPUs in the run
 * @param network    the interconnect
 * @param efficiency scaling efficiency reported
 * @param source     where it is published
 */
public record PublishedScaling(String system, String model, int gpus, String network, double efficiency,
                               String source) {

    public static final List<PublishedScaling> ALL = List.of(
            new PublishedScaling("Horovod (ring all-reduce, NCCL)", "Inception V3, ResNet-101", 512,
                    "25 Gbit/s RoCE, 128 servers x 4 Pascal GPUs", 0.90, "Horovod docs, Benchmarks"),
            new PublishedScaling("Horovod (ring all-reduce, NCCL)", "VGG-16", 512,
                    "25 Gbit/s RoCE, 128 servers x 4 Pascal GPUs", 0.68, "Horovod docs, Benchmarks"),
            new PublishedScaling("BytePS (colocated servers + PS)", "BERT-large, mixed precision", 256,
                    "100 Gbit/s RDMA, 8 V100 per machine", 0.90, "BytePS README, Performance"));
}
