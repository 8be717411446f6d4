package io.orrery.spark;

import io.orrery.spark.exec.TaskReport;

import java.util.List;

/**
 * The driver's non-trainable state after an epoch: the element-wise mean of the workers' (Keras's MirroredStrategy:
 * each replica updated its own moving statistics from its own batches; they are aggregated by MEAN). The next
 * epoch's replicas start from it. Summed in float64 so that the mean does not depend on the reports' order.
 */
final class NonTrainableAverage {

    private NonTrainableAverage() {
    }

    /** Overwrites {@code state} with the mean of the reports' non-trainable states. */
    static void assign(float[] state, List<TaskReport> reports) {
        double[] sum = new double[state.length];
        for (TaskReport r : reports) {
            float[] reported = r.nonTrainable();
            if (reported == null || reported.length != sum.length) {
                throw new IllegalStateException("Worker " + r.worker() + " reported " + (reported == null ? "no"
                        : reported.length + " values of") + " non-trainable state; expected " + sum.length
                        + " (the model's non-trainable weights). The executors run a different model or an older "
                        + "Orrery jar: ship the driver's jar to them.");
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += reported[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            state[i] = (float) (sum[i] / reports.size());
        }
    }
}
