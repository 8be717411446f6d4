package io.orrery.spark.exchange;

import io.orrery.ps.JobKey;
import org.apache.spark.SparkConf;

/**
 * The parameter server's job keys of a Spark application: when {@code spark.authenticate.secret} is set, each fit's
 * job key is derived from it and the fit's job id ({@link JobKey#derive}), so that only processes holding the
 * application's secret can join the server and receive parameters. Without it there is no key and the job uses its
 * random token, as before.
 *
 * <p>Lives on the driver only (not serializable): what the tasks receive is the derived key of one job, never the
 * secret. {@link #toString()} never shows the secret.
 */
public final class SparkJobKeys {

    /** Spark's shared secret for its own RPC authentication (docs/spark-trainer.md, "Authentication"). */
    public static final String SECRET_CONF = "spark.authenticate.secret";

    private static final SparkJobKeys NONE = new SparkJobKeys(null);

    private final String secret;

    private SparkJobKeys(String secret) {
        this.secret = secret;
    }

    /** The keys of the application configured by {@code conf}: none when {@value #SECRET_CONF} is unset or blank. */
    public static SparkJobKeys of(SparkConf conf) {
        String secret = conf.get(SECRET_CONF, null);
        return secret == null || secret.isBlank() ? NONE : new SparkJobKeys(secret);
    }

    /** Whether the application has a secret, so that jobs are keyed. */
    public boolean enabled() {
        return secret != null;
    }

    /**
     * The key of job {@code jobId}.
     *
     * @throws IllegalStateException when the application has no secret
     */
    public JobKey forJob(long jobId) {
        if (secret == null) {
            throw new IllegalStateException(SECRET_CONF + " is not set: a keyed parameter-server job needs Spark's"
                    + " secret; set spark.authenticate=true and " + SECRET_CONF + " (the same secret as the ps"
                    + " --secret-file), or give the server's token instead");
        }
        return JobKey.derive(secret, jobId);
    }

    @Override
    public String toString() {
        return "SparkJobKeys[" + (secret == null ? "none" : "secret=<hidden>") + "]";
    }
}
