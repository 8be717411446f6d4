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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The parameter server as its own process:
 * {@code java <orrery.jvm.opens flags> -cp <classpath> io.orrery.ps.ParameterServerMain --workers 4 --udp 0.0.0.0 --port 40123 --model model.json}.
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

    @Option(names = "--token", description = "Job token workers must present (default: random, printed at startup).")
    Long token;

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

    private final CountDownLatch stop = new CountDownLatch(1);

    public static void main(String[] args) {
        System.exit(new CommandLine(new ParameterServerMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ParameterServer server = start();
        if (token == null) {
            System.out.println("token=" + server.token() + " (give it to the workers)");
        }
        // The hook itself closes the server: the JVM waits for hooks, not for the main thread, so this is what
        // guarantees the driver directory is removed on Ctrl-C / SIGTERM.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }, "orrery-ps-shutdown"));
        stop.await();
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
        if (token != null) {
            builder.token(token);
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
