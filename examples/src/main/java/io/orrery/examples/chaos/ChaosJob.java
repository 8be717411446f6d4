package io.orrery.examples.chaos;

import io.orrery.ps.JobSecret;
import io.orrery.ps.JobToken;
import io.orrery.ps.ParameterServerMain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One training job of the matrix as real processes: a `ps` ({@link ParameterServerMain}) on a loopback UDP port with
 * checkpoints and the contribution ledger on, and {@code workers} {@link ChaosWorker} JVMs. A scenario starts it,
 * does its harm through {@link #ps()}, {@link #worker(int)}, {@link #restartServer()} and
 * {@link #restartWorker(int)}, and {@link ChaosJob#finish} collects what happened.
 */
final class ChaosJob implements AutoCloseable {

    /**
     * What a job runs: mode (SYNC, ASYNC, BOUNDED), size, JVM properties for every process (packet loss), and
     * whether it is keyed (a secret, as with Spark's {@code spark.authenticate}: the server gets it by file, the
     * workers by environment, and they prove the key derived from it at the join) or uses a token.
     */
    record Settings(String mode, int workers, int steps, int batch, Duration stepTimeout, int checkpointEvery,
                    List<String> properties, long stallSeconds, boolean keyed) {

        Settings withProperties(List<String> more) {
            List<String> all = new ArrayList<>(properties);
            all.addAll(more);
            return new Settings(mode, workers, steps, batch, stepTimeout, checkpointEvery, all, stallSeconds, keyed);
        }

        Settings withWorkers(int count, int stepCount) {
            return new Settings(mode, count, stepCount, batch, stepTimeout, checkpointEvery, properties, stallSeconds,
                    keyed);
        }

        Settings withMode(String newMode) {
            return new Settings(newMode, workers, steps, batch, stepTimeout, checkpointEvery, properties, stallSeconds,
                    keyed);
        }

        Settings withKeyed(boolean key) {
            return new Settings(mode, workers, steps, batch, stepTimeout, checkpointEvery, properties, stallSeconds,
                    key);
        }
    }

    /** The job id every chaos job uses (the `ps` default); a keyed job's key is derived from the secret and it. */
    static final long JOB_ID = 1;

    private final Settings settings;
    private final Path dir;
    private final Path tokenFile;
    /** The keyed job's secret file (owner-only), null for a job with a token. */
    private final Path secretFile;
    private final Map<String, String> secretEnvironment;
    private final Path model;
    private final Path ledger;
    private final Path stopFile;
    private final int port;
    private final List<ChaosProcess> servers = new ArrayList<>();
    private final ChaosProcess[] workers;
    private final List<ChaosProcess> all = new ArrayList<>();
    private final long[] firstLocal;
    private volatile long steadySinceNs = Long.MAX_VALUE;
    private volatile long stoppingSinceNs = Long.MAX_VALUE;

    private ChaosJob(Settings settings, Path dir) throws IOException {
        this.settings = settings;
        this.dir = Files.createDirectories(dir);
        this.tokenFile = dir.resolve("job.token");
        JobToken.readOrCreate(tokenFile);
        if (settings.keyed()) {
            String secret = newSecret();
            this.secretFile = dir.resolve("job.secret");
            Files.writeString(secretFile, secret + "\n");
            Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
            this.secretEnvironment = Map.of(JobSecret.ENVIRONMENT_VARIABLE, secret);
        } else {
            this.secretFile = null;
            this.secretEnvironment = Map.of();
        }
        this.model = dir.resolve("model.json");
        ChaosModel.create().save(model);
        this.ledger = dir.resolve("ledger.csv");
        this.stopFile = dir.resolve("stop");
        this.port = freeUdpPortPair();
        this.workers = new ChaosProcess[settings.workers()];
        this.firstLocal = new long[settings.workers()];
    }

    /** Starts the server and the workers in {@code dir}. */
    static ChaosJob start(Settings settings, Path dir) throws IOException {
        ChaosJob job = new ChaosJob(settings, dir);
        try {
            job.startServer(false);
            for (int k = 0; k < settings.workers(); k++) {
                job.startWorker(k);
            }
            return job;
        } catch (RuntimeException e) {
            job.close();
            throw e;
        }
    }

    Settings settings() {
        return settings;
    }

    Path dir() {
        return dir;
    }

    int port() {
        return port;
    }

    Path tokenFile() {
        return tokenFile;
    }

    Path ledger() {
        return ledger;
    }

    /**
     * What a process of this job gets in its environment: the secret of a keyed job (never on a command line, which
     * every user of the host can read), nothing otherwise.
     */
    Map<String, String> secretEnvironment() {
        return secretEnvironment;
    }

    /** The server process now running (the newest one after a restart). */
    ChaosProcess ps() {
        return servers.get(servers.size() - 1);
    }

    ChaosProcess worker(int k) {
        return workers[k];
    }

    /** Every process started so far, for memory sampling. */
    synchronized List<ChaosProcess> processes() {
        return new ArrayList<>(all);
    }

    /** Kills the server (SIGKILL) and starts it again on the same port from its newest checkpoint. */
    void restartServer() {
        ps().killHard();
        startServer(true);
    }

    /** Starts worker {@code k} again under the same id (what Spark does with a lost task), after a kill. */
    void restartWorker(int k) {
        firstLocal[k] = workers[k].progress();
        startWorker(k);
    }

    /** Marks the moment all workers train (a soak's memory is judged from here on). */
    void markSteady() {
        steadySinceNs = System.nanoTime();
    }

    /** {@link System#nanoTime()} when {@link #markSteady()} was called, else {@link Long#MAX_VALUE}. */
    long steadySinceNs() {
        return steadySinceNs;
    }

    /** {@link System#nanoTime()} when {@link #stopWorkers()} was called, else {@link Long#MAX_VALUE}. */
    long stoppingSinceNs() {
        return stoppingSinceNs;
    }

    /** Makes the workers stop after their current step (a soak ends by time). */
    void stopWorkers() throws IOException {
        stoppingSinceNs = System.nanoTime();
        Files.writeString(stopFile, "stop\n");
    }

    private void startServer(boolean resume) {
        List<String> args = new ArrayList<>(List.of("--workers", Integer.toString(settings.workers()), "--model",
                model.toString(), "--mode", settings.mode(), "--staleness", "2", "--udp", "127.0.0.1", "--port",
                Integer.toString(port), "--step-timeout", settings.stepTimeout().toString(), "--checkpoint-dir",
                dir.resolve("checkpoints").toString(), "--checkpoint-every", Integer.toString(settings.checkpointEvery()),
                // often: a quick job ends within 10 s, and its drop counts are read from the last stats line
                "--stats-interval", "PT2S"));
        args.addAll(secretFile != null ? List.of("--secret-file", secretFile.toString())
                : List.of("--token-file", tokenFile.toString()));
        if (resume) {
            args.add("--resume");
        }
        List<String> properties = new ArrayList<>(settings.properties());
        properties.add("-Dorrery.ps.ledger=" + ledger);
        ChaosProcess server = ChaosProcess.start("ps-" + servers.size(), dir.resolve("ps-" + servers.size() + ".log"),
                "384m", properties, ParameterServerMain.class.getName(), args, Map.of());
        synchronized (this) {
            servers.add(server);
            all.add(server);
        }
    }

    private void startWorker(int k) {
        int life = 0;
        while (Files.exists(dir.resolve("worker-" + k + "-" + life + ".log"))) {
            life++;
        }
        List<String> args = List.of("127.0.0.1", Integer.toString(port), tokenFile.toString(), Integer.toString(k),
                Integer.toString(settings.workers()), Integer.toString(settings.steps()),
                Integer.toString(settings.batch()), Long.toString(settings.stallSeconds()), Long.toString(firstLocal[k]),
                stopFile.toString());
        ChaosProcess worker = ChaosProcess.start("worker-" + k, dir.resolve("worker-" + k + "-" + life + ".log"), "512m",
                settings.properties(), ChaosWorker.class.getName(), args, secretEnvironment);
        synchronized (this) {
            workers[k] = worker;
            all.add(worker);
        }
    }

    /** Waits for every (current) worker to end; returns their exit codes (-1: still running at the deadline). */
    int[] awaitWorkers(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        int[] codes = new int[workers.length];
        for (int k = 0; k < workers.length; k++) {
            codes[k] = workers[k].waitFor(Math.max(1, (end - System.nanoTime()) / 1_000_000));
        }
        return codes;
    }

    /** 32 random bytes as hex: what `openssl rand -hex 32` would give a user for spark.authenticate.secret. */
    private static String newSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** An even UDP port p with p and p + 1 free on loopback (ingress and broadcast control). */
    private static int freeUdpPortPair() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                int p = a.getLocalPort();
                if (p >= 65535) {
                    continue;
                }
                try (DatagramSocket b = new DatagramSocket(p + 1, InetAddress.getLoopbackAddress())) {
                    return p;
                } catch (SocketException taken) {
                    // try another
                }
            } catch (SocketException e) {
                throw new UncheckedIOException("no free UDP port on loopback: " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("no free UDP port pair on loopback after 50 attempts; too many ports in use");
    }

    @Override
    public void close() {
        for (ChaosProcess p : processes()) {
            p.close();
        }
    }
}
