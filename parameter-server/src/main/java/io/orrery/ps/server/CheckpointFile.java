package io.orrery.ps.server;

import io.orrery.core.optimizers.OptimizerState;
import io.orrery.ps.protocol.ShardLayout;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.Checksum;

/**
 * The bytes of one shard checkpoint file, written in format 2 and read in formats 1 and 2. Nothing in a file is
 * trusted: the checksum over the whole file is verified in a first pass that allocates nothing, then the header is
 * compared with the model the server expects ({@link Expected}), and only then are the arrays allocated, at the
 * lengths the model dictates and the file size allows.
 *
 * <p>Format 2 (big endian): magic, format, jobId, shard, shardCount, modelLength, shardOffset, version, optimizer
 * name (u16 length + modified UTF-8), slotCount, iterations, length, {@code length} float32 parameters,
 * {@code slotCount x length} float32 optimizer slots, CRC32C of everything before it (int). Format 1 (written until
 * December 2026): the same header up to the optimizer name, length, the parameters, {@link OptimizerState#writeTo}
 * (slots as float64), CRC32 of everything before it (long).
 */
final class CheckpointFile {

    static final int MAGIC = 0x4f525053; // "ORPS"
    static final int FORMAT_VERSION = 2;
    static final int FORMAT_V1 = 1;
    /** Bytes up to and including the optimizer name's length prefix, the least a file of any format holds. */
    private static final int FIXED_HEADER_BYTES = 4 + 4 + 8 + 4 + 4 + 8 + 8 + 8 + 2;
    private static final int MAX_SLOTS = 16;
    /** Floats are converted to and from bytes this many at a time (ByteBuffer views, not one call per value). */
    private static final int BULK_BYTES = 1 << 16;

    private CheckpointFile() {
    }

    /** What the server expects of a checkpoint of its model; {@code modelLength} 0 when the files decide it. */
    record Expected(long jobId, int shardCount, long modelLength, int chunkElements, String optimizerName, int slotCount) {
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

    /** Writes format 2 to {@code out} (not closed); the values must already be checked finite by the caller. */
    static void write(OutputStream out, long jobId, int shard, int shardCount, long modelLength, long shardOffset,
                      long version, String optimizerName, float[] params, long iterations, float[][] slots) throws IOException {
        CRC32C crc = new CRC32C();
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(out, crc), 1 << 16));
        data.writeInt(MAGIC);
        data.writeInt(FORMAT_VERSION);
        data.writeLong(jobId);
        data.writeInt(shard);
        data.writeInt(shardCount);
        data.writeLong(modelLength);
        data.writeLong(shardOffset);
        data.writeLong(version);
        data.writeUTF(optimizerName);
        data.writeInt(slots.length);
        data.writeLong(iterations);
        data.writeInt(params.length);
        writeFloats(data, params);
        for (float[] slot : slots) {
            writeFloats(data, slot);
        }
        data.flush();
        data.writeInt((int) crc.getValue());
        data.flush();
    }

    /** Big-endian float32 bits, the bytes {@code writeInt(floatToRawIntBits(v))} gives, converted in bulk. */
    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(BULK_BYTES);
        for (int from = 0; from < values.length; from += BULK_BYTES / 4) {
            int n = Math.min(BULK_BYTES / 4, values.length - from);
            bytes.clear();
            bytes.asFloatBuffer().put(values, from, n);
            out.write(bytes.array(), 0, n * 4);
        }
    }

    /**
     * Reads and checks one shard file.
     *
     * @throws CheckpointDamagedException when the file is truncated, fails its checksum or is not a checkpoint
     * @throws CheckpointMismatchException when it is intact but of another job or model than {@code expected}
     */
    static ShardState read(Path file, int shard, long version, Expected expected) throws IOException {
        long size = Files.size(file);
        if (size < FIXED_HEADER_BYTES) {
            throw new CheckpointDamagedException(file, "truncated: " + size + " bytes, a checkpoint header alone takes "
                    + FIXED_HEADER_BYTES);
        }
        int magic;
        int format;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            magic = in.readInt();
            format = in.readInt();
        }
        if (magic != MAGIC) {
            throw new CheckpointDamagedException(file, "expected magic " + Integer.toHexString(MAGIC) + ", found "
                    + Integer.toHexString(magic) + ": not a checkpoint, or its first bytes are damaged");
        }
        if (format != FORMAT_VERSION && format != FORMAT_V1) {
            throw new CheckpointDamagedException(file, "format " + format + " is not one this Orrery reads (1.."
                    + FORMAT_VERSION + "): written by a newer Orrery, or damaged");
        }
        verifyChecksum(file, size, format);
        try (CountingInputStream counting = new CountingInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
             DataInputStream in = new DataInputStream(counting)) {
            in.readInt();
            in.readInt();
            long jobId = in.readLong();
            int fileShard = in.readInt();
            int shardCount = in.readInt();
            long modelLength = in.readLong();
            long shardOffset = in.readLong();
            long fileVersion = in.readLong();
            String optimizer = in.readUTF();
            int slotCount = -1;
            long iterations = 0;
            if (format == FORMAT_VERSION) {
                slotCount = in.readInt();
                iterations = in.readLong();
            }
            int length = in.readInt();
            if (fileShard != shard || fileVersion != version || shardCount != expected.shardCount()) {
                // The checksum holds, so the name and the contents disagree: a file renamed or copied by hand.
                throw new CheckpointDamagedException(file, "its name says shard " + shard + "/" + expected.shardCount()
                        + " version " + version + ", its header says shard " + fileShard + "/" + shardCount
                        + " version " + fileVersion);
            }
            checkSameModel(file, expected, jobId, modelLength, optimizer, slotCount);
            long shardLength = expectedShardLength(file, expected, modelLength, shard, shardOffset);
            if (length != shardLength) {
                throw new CheckpointDamagedException(file, "holds " + length + " parameters, shard " + shard
                        + " of a " + modelLength + "-element model has " + shardLength);
            }
            long remaining = size - counting.count();
            if (format == FORMAT_VERSION) {
                long needed = 4L * length * (1L + slotCount) + 4;
                if (slotCount < 0 || slotCount > MAX_SLOTS || needed != remaining) {
                    throw new CheckpointDamagedException(file, "header promises " + slotCount + " slots of " + length
                            + " floats (" + needed + " bytes), the file has " + remaining + " bytes left");
                }
                float[] params = readFloats(in, length);
                INDArray[] slots = new INDArray[slotCount];
                for (int i = 0; i < slotCount; i++) {
                    slots[i] = Nd4j.createFromArray(readFloats(in, length));
                }
                return new ShardState(version, modelLength, shardOffset, Nd4j.createFromArray(params),
                        new OptimizerState(iterations, slots));
            }
            if (4L * length + 8 > remaining) {
                throw new CheckpointDamagedException(file, "header promises " + length + " floats, the file has "
                        + remaining + " bytes left");
            }
            float[] params = readFloats(in, length);
            OptimizerState state = readV1State(file, in, length, size - counting.count(), expected);
            return new ShardState(version, modelLength, shardOffset, Nd4j.createFromArray(params), state);
        } catch (EOFException e) {
            throw new CheckpointDamagedException(file, "ends early although its checksum holds: " + e);
        }
    }

    private static void checkSameModel(Path file, Expected expected, long jobId, long modelLength, String optimizer,
                                       int slotCount) {
        if (jobId != expected.jobId()) {
            throw new CheckpointMismatchException(file, "jobId=" + jobId, "jobId=" + expected.jobId());
        }
        if (expected.modelLength() > 0 && modelLength != expected.modelLength()) {
            throw new CheckpointMismatchException(file, "a model of " + modelLength + " parameters",
                    "a model of " + expected.modelLength() + " parameters");
        }
        boolean slotsDiffer = slotCount >= 0 && slotCount != expected.slotCount();
        if (!optimizer.equals(expected.optimizerName()) || slotsDiffer) {
            throw new CheckpointMismatchException(file,
                    "optimizer " + optimizer + (slotCount >= 0 ? " with " + slotCount + " slots" : ""),
                    "optimizer " + expected.optimizerName() + " with " + expected.slotCount() + " slots");
        }
    }

    /** The shard's length in the layout of the file's model, after checking the file's offset against it. */
    private static long expectedShardLength(Path file, Expected expected, long modelLength, int shard, long shardOffset)
            throws CheckpointDamagedException {
        ShardLayout layout;
        try {
            layout = new ShardLayout(modelLength, expected.shardCount(), expected.chunkElements());
        } catch (IllegalArgumentException e) {
            throw new CheckpointDamagedException(file, "impossible model: " + e.getMessage());
        }
        if (shardOffset != layout.shardOffset(shard)) {
            throw new CheckpointDamagedException(file, "shard " + shard + " starts at element " + shardOffset
                    + ", the layout of a " + modelLength + "-element model in " + expected.shardCount()
                    + " shards puts it at " + layout.shardOffset(shard));
        }
        return layout.shardLength(shard);
    }

    /** Format 1's optimizer state ({@link OptimizerState#writeTo}: float64 slots), every length checked first. */
    private static OptimizerState readV1State(Path file, DataInputStream in, int length, long remaining, Expected expected)
            throws IOException {
        int stateFormat = in.readInt();
        long iterations = in.readLong();
        int slotCount = in.readInt();
        if (stateFormat != 1) {
            throw new CheckpointDamagedException(file, "optimizer state format " + stateFormat + ", expected 1");
        }
        if (slotCount != expected.slotCount()) {
            throw new CheckpointMismatchException(file, "optimizer " + expected.optimizerName() + " with " + slotCount
                    + " slots", "optimizer " + expected.optimizerName() + " with " + expected.slotCount() + " slots");
        }
        long needed = 16L + slotCount * (8L + 8L * length) + 8;
        if (needed != remaining) {
            throw new CheckpointDamagedException(file, "optimizer state of " + slotCount + " slots of " + length
                    + " values needs " + needed + " bytes, the file has " + remaining + " left");
        }
        INDArray[] slots = new INDArray[slotCount];
        for (int i = 0; i < slotCount; i++) {
            long n = in.readLong();
            if (n != length) {
                throw new CheckpointDamagedException(file, "optimizer slot " + i + " holds " + n + " values, expected "
                        + length);
            }
            float[] values = new float[length];
            for (int j = 0; j < length; j++) {
                values[j] = (float) in.readDouble();
            }
            slots[i] = Nd4j.createFromArray(values);
        }
        return new OptimizerState(iterations, slots);
    }

    /** {@code length} big-endian float32 values; the caller has checked that the file holds them. */
    private static float[] readFloats(DataInputStream in, int length) throws IOException {
        float[] values = new float[length];
        byte[] bytes = new byte[BULK_BYTES];
        for (int from = 0; from < length; from += BULK_BYTES / 4) {
            int n = Math.min(BULK_BYTES / 4, length - from);
            in.readFully(bytes, 0, n * 4);
            ByteBuffer.wrap(bytes, 0, n * 4).asFloatBuffer().get(values, from, n);
        }
        return values;
    }

    /** First pass: the stored checksum must match the bytes before it; nothing is allocated but a read buffer. */
    private static void verifyChecksum(Path file, long size, int format) throws IOException {
        int trailer = format == FORMAT_V1 ? 8 : 4;
        long covered = size - trailer;
        Checksum crc = format == FORMAT_V1 ? new CRC32() : new CRC32C();
        long stored;
        try (InputStream raw = Files.newInputStream(file)) {
            CheckedInputStream checked = new CheckedInputStream(raw, crc);
            byte[] buffer = new byte[1 << 16];
            long left = covered;
            while (left > 0) {
                int n = checked.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new CheckpointDamagedException(file, "ends early while verifying its checksum");
                }
                left -= n;
            }
            DataInputStream tail = new DataInputStream(raw);
            stored = format == FORMAT_V1 ? tail.readLong() : tail.readInt() & 0xffff_ffffL;
        }
        if (stored != crc.getValue()) {
            throw new CheckpointDamagedException(file, "checksum mismatch (stored " + Long.toHexString(stored)
                    + ", computed " + Long.toHexString(crc.getValue()) + " over " + covered
                    + " bytes): truncated or damaged");
        }
    }

    /** Counts the bytes read through it, so a reader knows how much of the file is left. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
