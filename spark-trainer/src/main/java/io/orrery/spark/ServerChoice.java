package io.orrery.spark;

import io.orrery.ps.TrainingMode;
import io.orrery.spark.exchange.ParameterServerLink;
import io.orrery.spark.exchange.ServerSettings;
import org.apache.spark.sql.SparkSession;

import java.time.Duration;

/**
 * Which parameter server a trainer uses: one started in the driver per fit, shards colocated with the workers, or
 * an external one.
 */
final class ServerChoice {

    static final ServerChoice EMBEDDED = new ServerChoice(null, 0, 0, 0);

    /** Shard k of N in the JVM of worker k's executor ({@link ShardPlacement#COLOCATED}). */
    static final ServerChoice COLOCATED = new ServerChoice(null, 0, 0, 0);

    private final String host;
    private final int port;
    private final long jobId;
    private final long token;

    private ServerChoice(String host, int port, long jobId, long token) {
        this.host = host;
        this.port = port;
        this.jobId = jobId;
        this.token = token;
    }

    boolean isExternal() {
        return host != null;
    }

    static ServerChoice external(String host, int port, long jobId, long token) {
        if (port < 1 || port > 65534) {
            throw new IllegalArgumentException("Parameter server port must be in [1, 65534] (it uses port and port+1), "
                    + "found " + port);
        }
        return new ServerChoice(host, port, jobId, token);
    }

    ParameterServerLink open(ReplicableModel model, int workers, TrainingMode mode, SparkSession spark,
                             Duration joinTimeout, Duration stepTimeout, ServerSettings settings) {
        if (host != null) {
            return ParameterServerLink.external(host, port, jobId, token, joinTimeout, stepTimeout, settings);
        }
        String master = spark.sparkContext().master();
        // Tasks share the driver's JVM only in local mode; local-cluster executors are separate JVMs.
        boolean ipc = SparkMasters.isSingleJvm(master);
        if (this == COLOCATED) {
            return ParameterServerLink.colocated(model, workers, ipc, joinTimeout, stepTimeout, settings);
        }
        String driverHost = spark.sparkContext().getConf().get("spark.driver.host", "127.0.0.1");
        return ParameterServerLink.embedded(model, workers, mode, ipc, driverHost, joinTimeout, stepTimeout,
                settings);
    }
}
