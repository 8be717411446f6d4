package io.orrery.ps.server;

import io.orrery.core.optimizers.OptimizerState;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One file per shard and version ({@code shard-0001-of-0004-v000000000120.ckpt}) holding the shard's parameters,
 * optimizer state and version ({@link CheckpointFile}), written atomically: a temporary file, fsync, rename, fsync
 * of the directory. Each shard keeps its last two files, so a crash between two shards' writes, or a damaged newest
 * file, still leaves one version complete for all shards; {@link #loadLatest} picks the newest version every shard
 * has intact. A state holding NaN or infinity is never written: the last finite checkpoint stays the newest.
 */
final class CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("shard-(\\d{4})-of-(\\d{4})-v(\\d{12})\\.ckpt");
    private static final int KEEP = 2;

    private final Path directory;
    private final AtomicLong failedWrites = new AtomicLong();
    private final AtomicLong refusedNonFinite = new AtomicLong();

    CheckpointStore(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
    }

    static String fileName(int shard, int shardCount, long version) {
        return String.format("shard-%04d-of-%04d-v%012d.ckpt", shard, shardCount, version);
    }

    /** Writes that failed with an I/O error (the temporary file is removed; the previous checkpoints stay). */
    long failedWrites() {
        return failedWrites.get();
    }

    /** Checkpoints refused because the parameters or optimizer state held NaN or infinity. */
    long refusedNonFinite() {
        return refusedNonFinite.get();
    }

    /**
     * Writes one shard's state atomically and removes that shard's older files beyond the last two.
     *
     * @throws IOException when the write fails (counted in {@link #failedWrites}) or the state is not finite
     *                     (counted in {@link #refusedNonFinite}, logged; nothing is written)
     */
    Path write(long jobId, int shard, int shardCount, long modelLength, long shardOffset, long version,
               String optimizerName, INDArray params, OptimizerState state) throws IOException {
        float[] values = params.toFloatVector();
        float[][] slots = new float[state.slots().length][];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = state.slots()[i].toFloatVector();
        }
        String nonFinite = firstNonFinite(values, slots);
        if (nonFinite != null) {
            refusedNonFinite.incrementAndGet();
            String message = "checkpoint refused: shard=" + shard + " version=" + version + " holds a non-finite value ("
                    + nonFinite + "); the newest finite checkpoint in " + directory + " is kept";
            LOG.error("{}", message);
            throw new IOException(message);
        }
        Path target = directory.resolve(fileName(shard, shardCount, version));
        Path tmp = directory.resolve(target.getFileName() + ".tmp");
        try {
            try (FileOutputStream file = new FileOutputStream(tmp.toFile())) {
                CheckpointFile.write(file, jobId, shard, shardCount, modelLength, shardOffset, version, optimizerName,
                        values, state.iterations(), slots);
                file.getChannel().force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            failedWrites.incrementAndGet();
            Files.deleteIfExists(tmp);
            throw e;
        }
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // Not every file system lets a directory be opened for fsync; the rename itself is atomic.
        }
        List<Long> versions = new ArrayList<>(versionsByShardCount().getOrDefault(shardCount, Map.of())
                .getOrDefault(shard, new TreeSet<>()).descendingSet());
        for (int i = KEEP; i < versions.size(); i++) {
            Files.deleteIfExists(directory.resolve(fileName(shard, shardCount, versions.get(i))));
        }
        return target;
    }

    /** {@code where=index value=v} of the first non-finite value, or null when all are finite. */
    private static String firstNonFinite(float[] params, float[][] slots) {
        for (int i = 0; i < params.length; i++) {
            if (!Float.isFinite(params[i])) {
                return "parameters index=" + i + " value=" + params[i];
            }
        }
        for (int s = 0; s < slots.length; s++) {
            for (int i = 0; i < slots[s].length; i++) {
                if (!Float.isFinite(slots[s][i])) {
                    return "optimizer slot " + s + " index=" + i + " value=" + slots[s][i];
                }
            }
        }
        return null;
    }

    /** Versions on disk per shard count, then per shard. */
    Map<Integer, Map<Integer, TreeSet<Long>>> versionsByShardCount() throws IOException {
        Map<Integer, Map<Integer, TreeSet<Long>>> result = new TreeMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    result.computeIfAbsent(Integer.parseInt(m.group(2)), k -> new TreeMap<>())
                            .computeIfAbsent(Integer.parseInt(m.group(1)), k -> new TreeSet<>())
                            .add(Long.parseLong(m.group(3)));
                }
            }
        }
        return result;
    }

    /** Versions present for all shards {@code first .. first + count - 1}, newest first. */
    private static List<Long> completeVersions(Map<Integer, TreeSet<Long>> byShard, int first, int count) {
        TreeSet<Long> common = null;
        for (int s = first; s < first + count; s++) {
            TreeSet<Long> v = byShard.get(s);
            if (v == null) {
                return List.of();
            }
            if (common == null) {
                common = new TreeSet<>(v);
            } else {
                common.retainAll(v);
            }
        }
        return common == null ? List.of() : new ArrayList<>(common.descendingSet());
    }

    /**
     * The state of shards {@code first .. first + count - 1} at the newest version all of them have intact, or null
     * when the directory holds no checkpoint of this job's shard count at all. A damaged file makes it fall back to
     * the previous complete version with a warning naming the file.
     *
     * @throws CheckpointMismatchException when the newest checkpoints are of another shard count, job or model
     * @throws IOException when checkpoints exist but none is complete and intact (every file tried is named)
     */
    CheckpointFile.ShardState[] loadLatest(CheckpointFile.Expected expected, int first, int count) throws IOException {
        Map<Integer, Map<Integer, TreeSet<Long>>> all = versionsByShardCount();
        Map<Integer, TreeSet<Long>> ours = all.getOrDefault(expected.shardCount(), Map.of());
        long newestOurs = newest(ours);
        for (Map.Entry<Integer, Map<Integer, TreeSet<Long>>> other : all.entrySet()) {
            long newestOther = newest(other.getValue());
            if (other.getKey() != expected.shardCount() && newestOther >= newestOurs) {
                throw new CheckpointMismatchException("checkpoint directory " + directory + " holds checkpoints of "
                        + other.getKey() + " shards (newest version " + newestOther + ", e.g. "
                        + fileName(other.getValue().keySet().iterator().next(), other.getKey(), newestOther)
                        + "), this server is configured with " + expected.shardCount() + " shards"
                        + (newestOurs < 0 ? "" : " (newest version " + newestOurs + ")")
                        + "; configure the same shard count to resume, or use another directory");
            }
        }
        List<Long> candidates = completeVersions(ours, first, count);
        if (candidates.isEmpty()) {
            if (!ours.isEmpty()) {
                LOG.warn("checkpoint directory {} holds no version of every shard {}..{} (versions per shard: {});"
                        + " there is nothing to resume from", directory, first, first + count - 1, ours);
            }
            return null;
        }
        List<String> tried = new ArrayList<>();
        for (long version : candidates) {
            CheckpointFile.ShardState[] states = new CheckpointFile.ShardState[count];
            CheckpointFile.Expected sameModel = expected;
            try {
                for (int i = 0; i < count; i++) {
                    Path file = directory.resolve(fileName(first + i, expected.shardCount(), version));
                    states[i] = CheckpointFile.read(file, first + i, version, sameModel);
                    // Every hosted shard must come from one model: the first file read fixes its length.
                    sameModel = new CheckpointFile.Expected(expected.jobId(), expected.shardCount(),
                            states[i].modelLength, expected.chunkElements(), expected.optimizerName(), expected.slotCount());
                }
                if (!tried.isEmpty()) {
                    LOG.warn("checkpoint fallback: resuming from version {} because newer files are damaged: {}",
                            version, tried);
                }
                return states;
            } catch (CheckpointDamagedException e) {
                LOG.warn("{}; falling back to the previous complete version", e.getMessage());
                tried.add(e.getMessage());
            }
        }
        throw new IOException("no complete, intact checkpoint of shards " + first + ".." + (first + count - 1) + " of "
                + expected.shardCount() + " in " + directory + ": "
                + String.join("; ", tried)
                + "; restore the files from a backup or start without resume");
    }

    private static long newest(Map<Integer, TreeSet<Long>> byShard) {
        long newest = -1;
        for (TreeSet<Long> versions : byShard.values()) {
            newest = Math.max(newest, versions.last());
        }
        return newest;
    }
}
