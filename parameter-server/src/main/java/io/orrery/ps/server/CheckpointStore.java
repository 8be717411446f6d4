package io.orrery.ps.server;

import io.orrery.core.optimizers.OptimizerState;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * One file per shard and version ({@code shard-0001-of-0004-v000000000120.ckpt}) holding the shard's parameters,
 * optimizer state and version, written atomically: a temporary file, fsync, rename, fsync of the directory. Each
 * shard keeps its last two files, so a crash between two shards' writes still leaves one version complete for all
 * shards; {@link #loadLatest} picks the newest version every shard has.
 */
final class CheckpointStore {

    static final int MAGIC = 0x4f525053; // "ORPS"
    static final int FORMAT_VERSION = 1;
    private static final Pattern NAME = Pattern.compile("shard-(\\d{4})-of-(\\d{4})-v(\\d{12})\\.ckpt");
    private static final int KEEP = 2;

    private final Path directory;

    CheckpointStore(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
    }

    static String fileName(int shard, int shardCount, long version) {
        return String.format("shard-%04d-of-%04d-v%012d.ckpt", shard, shardCount, version);
    }

    /** Writes one shard's state atomically and removes that shard's older files beyond the last two. */
    Path write(long jobId, int shard, int shardCount, long modelLength, long shardOffset, long version,
               String optimizerName, INDArray params, OptimizerState state) throws IOException {
        Path target = directory.resolve(fileName(shard, shardCount, version));
        Path tmp = directory.resolve(target.getFileName() + ".tmp");
        try (FileOutputStream file = new FileOutputStream(tmp.toFile())) {
            CRC32 crc = new CRC32();
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(file, crc), 1 << 16));
            out.writeInt(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeLong(jobId);
            out.writeInt(shard);
            out.writeInt(shardCount);
            out.writeLong(modelLength);
            out.writeLong(shardOffset);
            out.writeLong(version);
            out.writeUTF(optimizerName);
            float[] values = params.toFloatVector();
            out.writeInt(values.length);
            for (float v : values) {
                out.writeInt(Float.floatToRawIntBits(v));
            }
            state.writeTo(out);
            out.flush();
            out.writeLong(crc.getValue());
            out.flush();
            file.getChannel().force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // Not every file system lets a directory be opened for fsync; the rename itself is atomic.
        }
        List<Long> versions = new ArrayList<>(versionsByShard(shardCount).getOrDefault(shard, new TreeSet<>()).descendingSet());
        for (int i = KEEP; i < versions.size(); i++) {
            Files.deleteIfExists(directory.resolve(fileName(shard, shardCount, versions.get(i))));
        }
        return target;
    }

    /** Versions on disk per shard for a job with {@code shardCount} shards. */
    Map<Integer, TreeSet<Long>> versionsByShard(int shardCount) throws IOException {
        Map<Integer, TreeSet<Long>> result = new TreeMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Integer.parseInt(m.group(2)) == shardCount) {
                    result.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new TreeSet<>()).add(Long.parseLong(m.group(3)));
                }
            }
        }
        return result;
    }

    /** Newest version present for all shards {@code first .. first + count - 1}, or -1 when there is none. */
    long latestCompleteVersion(int shardCount, int first, int count) throws IOException {
        Map<Integer, TreeSet<Long>> versions = versionsByShard(shardCount);
        TreeSet<Long> common = null;
        for (int s = first; s < first + count; s++) {
            TreeSet<Long> v = versions.get(s);
            if (v == null) {
                return -1;
            }
            if (common == null) {
                common = new TreeSet<>(v);
            } else {
                common.retainAll(v);
            }
        }
        return common == null || common.isEmpty() ? -1 : common.last();
    }

    /** One shard's state read back from disk. */
    static final class ShardState {
        final long version;
        final long modelLength;
        final long shardOffset;
        final INDArray params;
        final OptimizerState state;

        ShardState(long version, long modelLength, long shardOffset, INDArray params, OptimizerState state) {
            this.version = version;
            this.modelLength = modelLength;
            this.shardOffset = shardOffset;
            this.params = params;
            this.state = state;
        }
    }

    ShardState read(long jobId, int shard, int shardCount, long version, String optimizerName) throws IOException {
        Path file = directory.resolve(fileName(shard, shardCount, version));
        try (InputStream raw = Files.newInputStream(file)) {
            CRC32 crc = new CRC32();
            DataInputStream in = new DataInputStream(new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc));
            int magic = in.readInt();
            int format = in.readInt();
            if (magic != MAGIC || format != FORMAT_VERSION) {
                throw new IOException("checkpoint " + file + ": expected magic=" + Integer.toHexString(MAGIC) + " format="
                        + FORMAT_VERSION + ", found magic=" + Integer.toHexString(magic) + " format=" + format
                        + "; it was not written by this Orrery version");
            }
            long fileJob = in.readLong();
            int fileShard = in.readInt();
            int fileShards = in.readInt();
            long modelLength = in.readLong();
            long shardOffset = in.readLong();
            long fileVersion = in.readLong();
            String fileOptimizer = in.readUTF();
            if (fileJob != jobId || fileShard != shard || fileShards != shardCount || fileVersion != version) {
                throw new IOException("checkpoint " + file + ": expected jobId=" + jobId + " shard=" + shard + "/" + shardCount
                        + " version=" + version + ", found jobId=" + fileJob + " shard=" + fileShard + "/" + fileShards
                        + " version=" + fileVersion);
            }
            if (!fileOptimizer.equals(optimizerName)) {
                throw new IOException("checkpoint " + file + ": written with optimizer " + fileOptimizer
                        + ", the server is configured with " + optimizerName + "; configure the same optimizer to resume");
            }
            int length = in.readInt();
            if (length < 0) {
                throw new IOException("checkpoint " + file + ": impossible length " + length + "; the file is corrupt");
            }
            float[] values = new float[length];
            for (int i = 0; i < length; i++) {
                values[i] = Float.intBitsToFloat(in.readInt());
            }
            OptimizerState state = OptimizerState.readFrom(in, DataType.FLOAT);
            long expectedCrc = crc.getValue();
            long storedCrc = in.readLong();
            if (expectedCrc != storedCrc) {
                throw new IOException("checkpoint " + file + ": checksum mismatch (stored " + Long.toHexString(storedCrc)
                        + ", computed " + Long.toHexString(expectedCrc) + "); the file is corrupt");
            }
            return new ShardState(version, modelLength, shardOffset, Nd4j.createFromArray(values), state);
        }
    }
}
