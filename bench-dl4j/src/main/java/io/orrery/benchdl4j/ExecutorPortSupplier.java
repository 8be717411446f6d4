package io.orrery.benchdl4j;

import org.apache.spark.SparkEnv;
import org.nd4j.parameterserver.distributed.v2.transport.PortSupplier;

/**
 * SharedTrainingMaster's Aeron port for each JVM: the base port in the driver (the mesh's root), base + 1 + executor
 * id in an executor.
 *
 * <p>Why: DL4J asks the same supplier for the root's port (in the driver) and for each executor's own port (in
 * {@code SharedTrainingWrapper}). A supplier that returns one port for all works on a real cluster, where every
 * executor has its own address, but on one host every executor then binds the root's own address and port: each
 * executor decides it is the root, logs "Skipping broadcast due to absence of nodes in mesh" for every update, and
 * trains alone, and the driver's model never receives an update (test accuracy stayed at its initial 0.064 on
 * {@code local-cluster[2,1,2048]}). DL4J's {@code StaticPortSupplier} also ignores the port it is given.
 */
final class ExecutorPortSupplier implements PortSupplier {

    private static final long serialVersionUID = 1L;

    /** Spark's executor id of the driver ({@code SparkContext.DRIVER_IDENTIFIER}, which is private to Spark). */
    private static final String DRIVER_ID = "driver";

    private final int basePort;

    ExecutorPortSupplier(int basePort) {
        this.basePort = basePort;
    }

    @Override
    public int getPort() {
        SparkEnv env = SparkEnv.get();
        String id = env == null ? DRIVER_ID : env.executorId();
        if (DRIVER_ID.equals(id)) {
            return basePort;
        }
        try {
            return basePort + 1 + Integer.parseInt(id);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("SharedTrainingMaster port: expected a numeric Spark executor id, found \""
                    + id + "\"; run on local[N] or local-cluster[N,1,MB]", e);
        }
    }
}
