package io.orrery.ps;

import io.orrery.core.models.Sequential;
import io.orrery.core.optimizers.Optimizer;
import io.orrery.core.optimizers.Optimizers;
import io.orrery.ps.server.ParameterServer;
import io.orrery.ps.server.ParameterServerConfig;
import io.orrery.ps.server.WorkerTimeoutPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The parameter server as its own process:
 * {@code java <orrery.jvm.opens flags> -cp <classpath> io.orrery.ps.ParameterServerMain --workers 4 --udp 0.0.0.0 --port 40123 --model model.json --token-file job.token}.
 * The job token comes from a file or the environment ({@link JobToken}), not the command line; or, for a job whose
 * workers must prove a key, the secret it is derived from ({@link JobSecret}: {@code --secret-file} or
 * {@code ORRERY_PS_SECRET}), which replaces the token.
 * Runs until interrupted (Ctrl-C / SIGTERM), then closes cleanly (driver directory removed).
 */
@Command(name = "parameter-server", mixinStandardHelpOptions = true, version = "Orrery parameter server 0.1.0",
        description = "Averages workers' gradients and applies the model's optimizer, over Aeron.",
        sortOptions = false)
public final class ParameterServerMain implements Callable<Integer> {

    @Option(names = "--workers", required = true, description = "Number of workers N in the job.")
    int workers;

    @Option(names = "--shards", defaultValue = "1", description = "Shards (one thread each). Default: ${DEFAULT-VALUE}.")
    int shards;

    @Option(names = "--model", description = "Model file (Sequential.save): initial parameters and, if compiled, optimizer.")
    Path model;

    @Option(names = "--params", description = "Initial parameters as raw little-endian float32 (alternative to --model).")
    Path params;

    @Option(names = "--optimizer", description = "Optimizer name (sgd, rmsprop, adam, adagrad, adadelta); overrides the model's.")
    String optimizer;

    @Option(names = "--learning-rate", description = "Learning rate for --optimizer.")
    Double learningRate;

    @Option(names = "--mode", defaultValue = "SYNC", description = "SYNC, ASYNC or BOUNDED. Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--staleness", defaultValue = "2", description = "BOUNDED: steps a worker may run ahead. Default: ${DEFAULT-VALUE}.")
    int staleness;

    @Option(names = "--encoding", defaultValue = "FLOAT32", description = "FLOAT32, FLOAT16, BFLOAT16 or SPARSE. Default: ${DEFAULT-VALUE}.")
    GradientEncoding encoding;

    @Option(names = "--udp", description = "Bind address for UDP (e.g. 0.0.0.0 or this host's address). Without it: aeron:ipc.")
    String bindHost;

    @Option(names = "--port", defaultValue = "40123", description = "UDP ingress port; broadcast control uses port+1. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--job-id", defaultValue = "1", description = "Job id. Default: ${DEFAULT-VALUE}.")
    long jobId;

    @Option(names = "--token-file", description = "File holding the job token workers must present (one decimal"
            + " 64-bit integer); if missing, a random token is written to it, readable by its owner only."
            + " Alternative: the environment variable " + JobToken.ENVIRONMENT_VARIABLE + ".")
    Path tokenFile;

    @Option(names = "--token", description = "Job token on the command line: visible to every user of this host"
            + " (ps, /proc); prefer --token-file or " + JobToken.ENVIRONMENT_VARIABLE + ". Warns when used.")
    Long token;

    @Option(names = "--secret-file", description = "File holding the job's secret (a line of text): workers must"
            + " prove the key derived from it and the job id (HMAC-SHA256, challenge-response), and only they are sent"
            + " parameters; replaces the token. Alternative: the environment variable " + JobSecret.ENVIRONMENT_VARIABLE
            + ".")
    Path secretFile;

    /** Accepted only to be refused with a clear message (picocli would otherwise say "unknown option"). */
    @Option(names = "--secret", arity = "0..1", hidden = true)
    String secretOnCommandLine;

    @Option(names = "--aeron-dir", description = "Use a running media driver in this directory instead of an embedded one.")
    String aeronDir;

    @Option(names = "--checkpoint-dir", description = "Directory for checkpoints.")
    Path checkpointDir;

    @Option(names = "--checkpoint-every", defaultValue = "0", description = "Checkpoint every K steps (0: only on request). Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--resume", description = "Resume from the newest complete checkpoint in --checkpoint-dir.")
    boolean resume;

    @Option(names = "--step-timeout", defaultValue = "PT60S", description = "SYNC step deadline (ISO-8601, e.g. PT30S). Default: ${DEFAULT-VALUE}.")
    Duration stepTimeout;

    @Option(names = "--timeout-policy", defaultValue = "FAIL_STEP", description = "FAIL_STEP or CONTINUE_RESCALED. Default: ${DEFAULT-VALUE}.")
    WorkerTimeoutPolicy timeoutPolicy;

    @Option(names = "--stats-interval", defaultValue = "PT30S", description = "Interval of the stats log line. Default: ${DEFAULT-VALUE}.")
    Duration statsInterval;

    /** Exit code when the server stopped because its media driver died (picocli uses 1 and 2 for errors and usage). */
    public static final int EXIT_TRANSPORT_FAILED = 3;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final Map<String, String> environment;

    public ParameterServerMain() {
        this(System.getenv());
    }

    /** With the environment given (tests); the token may come from {@link JobToken#ENVIRONMENT_VARIABLE} in it. */
    ParameterServerMain(Map<String, String> environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ParameterServerMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ParameterServer server = start();
        // The hook itself closes the server: the JVM waits for hooks, not for the main thread, so this is what
        // guarantees the driver directory is removed on Ctrl-C / SIGTERM.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }, "orrery-ps-shutdown"));
        server.failure().thenRun(stop::countDown);
        stop.await();
        Throwable failure = server.failure().getNow(null);
        if (failure != null) {
            System.err.println("parameter server stopped: its media driver (aeronDir=" + server.aeronDirectory()
                    + ") is lost (dead, or it dropped this client): " + failure + "; nothing could reach the server"
                    + " any more. Restart the driver (or run without --aeron-dir for an embedded one) and start again"
                    + " with --resume to continue from the last checkpoint");
            return EXIT_TRANSPORT_FAILED;
        }
        return 0;
    }

    /** {@code --mode} with {@code --staleness} for BOUNDED; the message names the accepted values. */
    private TrainingMode trainingMode() {
        String name = mode.trim();
        try {
            return TrainingMode.parse(name.equalsIgnoreCase("bounded") ? "bounded:" + staleness : name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mode: expected SYNC, ASYNC or BOUNDED (with --staleness >= 1), found \""
                    + mode + "\" with --staleness " + staleness + " (" + e.getMessage() + ")", e);
        }
    }

    /** Builds the configuration from the options and starts the server (for tests and embedding). */
    public ParameterServer start() throws IOException {
        ParameterServerConfig.Builder builder = ParameterServerConfig.builder().jobId(jobId).workers(workers).shards(shards)
                .mode(trainingMode()).encoding(encoding).stepTimeout(stepTimeout).timeoutPolicy(timeoutPolicy)
                .statsInterval(statsInterval).aeronDirectory(aeronDir);
        JobKey key = resolveKey();
        if (key != null) {
            builder.jobKey(key);
        } else {
            builder.token(resolveToken());
        }
        if (bindHost != null) {
            builder.udp(bindHost, port);
        }
        if (checkpointDir != null) {
            builder.checkpoints(checkpointDir, checkpointEvery).resume(resume);
        } else if (resume) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--resume needs --checkpoint-dir");
        }
        Optimizer chosen = null;
        if (model != null) {
            Sequential loaded = Sequential.load(model);
            builder.initialParameters(loaded.parameters());
            chosen = loaded.optimizer();
        } else if (params != null) {
            builder.initialParameters(readFloats(params));
        } else if (!resume) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "initial parameters: give --model <file>, --params <float32 file> or --resume");
        }
        if (optimizer != null) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("name", optimizer);
            if (learningRate != null) {
                config.put("learning_rate", learningRate);
            }
            chosen = learningRate == null ? Optimizers.get(optimizer) : Optimizers.fromConfig(config);
        }
        if (chosen == null) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "optimizer: the model file has none; give --optimizer (and --learning-rate)");
        }
        return ParameterServer.start(builder.optimizer(chosen).build());
    }

    /**
     * The job key from --secret-file or {@link JobSecret#ENVIRONMENT_VARIABLE} (not both), derived with the job id;
     * null when neither is given. A secret on the command line is refused. Prints where the secret came from, never
     * its value.
     */
    JobKey resolveKey() throws IOException {
        if (secretOnCommandLine != null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--secret: refused; a secret on the command"
                    + " line is readable by every user of this host (ps, /proc/<pid>/cmdline). Put it in a file only you"
                    + " can read and pass --secret-file <file>, or set the environment variable "
                    + JobSecret.ENVIRONMENT_VARIABLE);
        }
        Optional<String> fromEnvironment = JobSecret.fromEnvironment(environment);
        if (secretFile == null && fromEnvironment.isEmpty()) {
            return null;
        }
        if (secretFile != null && fromEnvironment.isPresent()) {
            throw new CommandLine.ParameterException(new CommandLine(this), "secret: expected one of --secret-file"
                    + " <file> or the environment variable " + JobSecret.ENVIRONMENT_VARIABLE + ", found both");
        }
        if (tokenFile != null || token != null || JobToken.fromEnvironment(environment).isPresent()) {
            throw new CommandLine.ParameterException(new CommandLine(this), "secret and token: expected one of them,"
                    + " found both; with a secret the token is not used (workers prove the key instead), so drop"
                    + " --token-file, --token or " + JobToken.ENVIRONMENT_VARIABLE);
        }
        String secret;
        if (secretFile != null) {
            secret = JobSecret.read(secretFile);
            String warning = JobSecret.permissionWarning(secretFile);
            if (warning != null) {
                System.err.println("WARNING: " + warning);
            }
            System.out.println("secret: read from " + secretFile + "; workers must prove the job key derived from it");
        } else {
            secret = fromEnvironment.get();
            System.out.println("secret: from the environment variable " + JobSecret.ENVIRONMENT_VARIABLE
                    + "; workers must prove the job key derived from it");
        }
        return JobKey.derive(secret, jobId);
    }

    /**
     * The job token from exactly one of --token-file, {@link JobToken#ENVIRONMENT_VARIABLE} or --token. Prints where
     * it came from, never its value.
     */
    long resolveToken() throws IOException {
        OptionalLong fromEnvironment = JobToken.fromEnvironment(environment);
        int sources = (tokenFile != null ? 1 : 0) + (fromEnvironment.isPresent() ? 1 : 0) + (token != null ? 1 : 0);
        if (sources != 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "token: expected exactly one of --token-file"
                    + " <file>, the environment variable " + JobToken.ENVIRONMENT_VARIABLE + " or --token, found "
                    + sources + "; --token-file creates the file with a random token when it is missing (or, for workers"
                    + " that prove a key instead, give a secret: --secret-file <file> or " + JobSecret.ENVIRONMENT_VARIABLE
                    + ")");
        }
        if (token != null) {
            System.err.println("WARNING: --token puts the job's secret on the command line, where every user of this"
                    + " host can read it (ps, /proc/<pid>/cmdline); use --token-file <file> or "
                    + JobToken.ENVIRONMENT_VARIABLE + " instead");
            return token;
        }
        if (fromEnvironment.isPresent()) {
            System.out.println("token: from the environment variable " + JobToken.ENVIRONMENT_VARIABLE);
            return fromEnvironment.getAsLong();
        }
        JobToken.Loaded loaded = JobToken.readOrCreate(tokenFile);
        String warning = JobToken.permissionWarning(tokenFile);
        if (warning != null) {
            System.err.println("WARNING: " + warning);
        }
        System.out.println(loaded.created()
                ? "token: a random token was written to " + tokenFile + " (owner-only); give that file to the workers"
                : "token: read from " + tokenFile);
        return loaded.token();
    }

    static INDArray readFloats(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length == 0 || bytes.length % 4 != 0) {
            throw new IOException("--params " + file + ": expected a non-empty multiple of 4 bytes (float32), found "
                    + bytes.length + " bytes");
        }
        float[] values = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return Nd4j.createFromArray(values);
    }
}
