package io.orrery.spark;

import io.orrery.ps.TrainingMode;
import io.orrery.spark.exchange.ParameterServerLink;
import io.orrery.spark.exchange.ServerSettings;
import io.orrery.spark.exchange.SparkJobKeys;
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
    /** An external server started with a secret: the key is derived from Spark's secret, no token. */
    private final boolean keyed;

    private ServerChoice(String host, int port, long jobId, long token) {
        this(host, port, jobId, token, false);
    }

    private ServerChoice(String host, int port, long jobId, long token, boolean keyed) {
        this.keyed = keyed;
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

    /** An external server started with the application's secret ({@code ps --secret-file}): workers prove its key. */
    static ServerChoice externalKeyed(String host, int port, long jobId) {
        external(host, port, jobId, 0);
        return new ServerChoice(host, port, jobId, 0, true);
    }

    ParameterServerLink open(ReplicableModel model, int workers, TrainingMode mode, SparkSession spark,
                             Duration joinTimeout, Duration stepTimeout, ServerSettings settings) {
        // Spark's own secret, when set, keys the job: only processes holding it can join and receive parameters.
        SparkJobKeys keys = SparkJobKeys.of(spark.sparkContext().getConf());
        if (host != null) {
            return ParameterServerLink.external(host, port, jobId, token, keyed ? keys.forJob(jobId) : null,
                    joinTimeout, stepTimeout, settings);
        }
        String master = spark.sparkContext().master();
        // Tasks share the driver's JVM only in local mode; local-cluster executors are separate JVMs.
        boolean ipc = SparkMasters.isSingleJvm(master);
        if (this == COLOCATED) {
            return ParameterServerLink.colocated(model, workers, ipc, joinTimeout, stepTimeout, settings, keys);
        }
        String driverHost = spark.sparkContext().getConf().get("spark.driver.host", "127.0.0.1");
        return ParameterServerLink.embedded(model, workers, mode, ipc, driverHost, joinTimeout, stepTimeout,
                settings, keys);
    }
}
