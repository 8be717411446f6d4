package io.orrery.spark.exec;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the current task's thread to the GPU that Spark assigned it ({@code spark.task.resource.gpu.amount=1}).
 * Under ND4J's CUDA backend the thread's device is switched; on the CPU backend the address is only recorded.
 */
public final class GpuBinding {

    private static final Logger LOG = LoggerFactory.getLogger(GpuBinding.class);

    /** Spark's resource name for GPUs. */
    public static final String GPU = "gpu";

    private GpuBinding() {
    }

    /**
     * @return the assigned GPU address, or null when the task has no GPU resource
     * @throws IllegalStateException if the task was given more than one GPU (one task per GPU is the rule)
     */
    public static String bindCurrentTask() {
        TaskContext context = TaskContext.get();
        if (context == null) {
            return null;
        }
        ResourceInformation gpu = context.resourcesJMap().get(GPU);
        if (gpu == null || gpu.addresses().length == 0) {
            return null;
        }
        if (gpu.addresses().length > 1) {
            throw new IllegalStateException("Expected one GPU per training task, found " + gpu.addresses().length
                    + " " + String.join(",", gpu.addresses()) + ". Set spark.task.resource.gpu.amount=1.");
        }
        String address = gpu.addresses()[0];
        if (isCudaBackend()) {
            int device;
            try {
                device = Integer.parseInt(address.trim());
            } catch (NumberFormatException e) {
                throw new IllegalStateException("GPU address \"" + address + "\" from Spark is not a CUDA device "
                        + "index; make the discovery script report indices such as \"0\", \"1\"", e);
            }
            Nd4j.getAffinityManager().unsafeSetDevice(device);
            LOG.info("task {} bound to CUDA device {}", context.partitionId(), device);
        } else {
            LOG.info("task {} assigned GPU {} (CPU backend: recorded only)", context.partitionId(), address);
        }
        return address;
    }

    static boolean isCudaBackend() {
        return Nd4j.getBackend().getClass().getName().toLowerCase().contains("cuda")
                || Nd4j.getBackend().getClass().getName().contains("JCublas");
    }
}
