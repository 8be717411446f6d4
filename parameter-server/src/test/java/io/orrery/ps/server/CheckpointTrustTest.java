package io.orrery.ps.server;

import io.orrery.core.optimizers.Adam;
import io.orrery.core.optimizers.Optimizer;
import io.orrery.core.optimizers.OptimizerState;
import io.orrery.core.optimizers.SGD;
import io.orrery.ps.protocol.ShardLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoints the server can trust: each way a file can be damaged, foreign or non-finite, one test each. */
class CheckpointTrustTest {

    static final long JOB = 9;
    static final int SHARDS = 2;
    static final long MODEL = 10;
    static final int CHUNK = 4;
    static final Optimizer ADAM = new Adam(0.01);
    static final ShardLayout LAYOUT = new ShardLayout(MODEL, SHARDS, CHUNK);

    static CheckpointFile.Expected expected() {
        return new CheckpointFile.Expected(JOB, SHARDS, MODEL, CHUNK, ADAM.name(), ADAM.slotCount());
    }

    /** Shard {@code shard}'s parameters at {@code version}: every value {@code version + shard / 10}. */
    static float value(int shard, long version) {
        return version + shard / 10f;
    }

    static OptimizerState state(int length, long version) {
        OptimizerState state = ADAM.newState(length, DataType.FLOAT);
        state.setIterations(version);
        for (INDArray slot : state.slots()) {
            slot.assign(version * 0.5);
        }
        return state;
    }

    static Path writeShard(CheckpointStore store, int shard, long version) throws IOException {
        int length = LAYOUT.shardLength(shard);
        INDArray params = Nd4j.valueArrayOf(new long[]{length}, value(shard, version), DataType.FLOAT);
        return store.write(JOB, shard, SHARDS, MODEL, LAYOUT.shardOffset(shard), version, ADAM.name(), params,
                state(length, version));
    }

    static void writeAll(CheckpointStore store, long... versions) throws IOException {
        for (long v : versions) {
            for (int s = 0; s < SHARDS; s++) {
                writeShard(store, s, v);
            }
        }
    }

    static Path file(Path dir, int shard, long version) {
        return dir.resolve(CheckpointStore.fileName(shard, SHARDS, version));
    }

    /** Replaces a format-2 file's trailing CRC32C with the checksum of its (edited) contents. */
    static void resealFormat2(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        Files.write(file, bytes);
    }

    /** Byte offset of the parameter length in a format-2 file whose optimizer name is ASCII. */
    static int lengthOffset(String optimizerName) {
        return 48 + 2 + optimizerName.length() + 4 + 8;
    }

    @Test
    void aHugeLengthInAnIntactFileIsRefusedBeforeAnythingIsAllocated(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir);
        Path file = writeShard(store, 0, 2);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).putInt(lengthOffset(ADAM.name()), Integer.MAX_VALUE);
        Files.write(file, bytes);
        resealFormat2(file); // the checksum holds: only the length check stands between the file and 8 GiB

        CheckpointDamagedException e = assertThrows(CheckpointDamagedException.class,
                () -> CheckpointFile.read(file, 0, 2, expected()));
        assertTrue(e.getMessage().contains("holds " + Integer.MAX_VALUE + " parameters"), e.getMessage());
        assertTrue(e.getMessage().contains("has " + LAYOUT.shardLength(0)), e.getMessage());
    }

    @Test
    void aChangedByteFailsTheChecksum(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir);
        Path file = writeShard(store, 1, 2);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 10] ^= 0x01; // a bit of the last optimizer slot
        Files.write(file, bytes);

        CheckpointDamagedException e = assertThrows(CheckpointDamagedException.class,
                () -> CheckpointFile.read(file, 1, 2, expected()));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void aTruncatedNewestFileFallsBackToThePreviousCompleteVersionWithAWarningNamingIt(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir);
        writeAll(store, 2, 4);
        Path damaged = file(dir, 1, 4);
        byte[] bytes = Files.readAllBytes(damaged);
        Files.write(damaged, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        CheckpointFile.ShardState[] states;
        try (CapturedStderr err = new CapturedStderr()) {
            states = store.loadLatest(expected(), 0, SHARDS);
            assertTrue(err.text().contains("WARN"), err.text());
            assertTrue(err.text().contains(damaged.toString()), err.text());
        }
        for (int s = 0; s < SHARDS; s++) {
            assertEquals(2, states[s].version);
            assertEquals(value(s, 2), states[s].params.getFloat(0), 0f);
            assertEquals(2, states[s].state.iterations());
            assertEquals(1.0f, states[s].state.slots()[1].getFloat(0), 0f);
        }
    }

    @Test
    void noIntactVersionIsAClearErrorNamingEveryFileTried(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir);
        writeAll(store, 2, 4);
        Files.write(file(dir, 0, 4), new byte[10]);
        Files.write(file(dir, 1, 2), new byte[0]);

        IOException e = assertThrows(IOException.class, () -> store.loadLatest(expected(), 0, SHARDS));
        assertTrue(e.getMessage().contains(file(dir, 0, 4).toString()), e.getMessage());
        assertTrue(e.getMessage().contains(file(dir, 1, 2).toString()), e.getMessage());
        assertTrue(e.getMessage().contains("start without resume"), e.getMessage());
    }

    static ParameterServerConfig.Builder resumeConfig(Path dir, int shards, long modelLength, Optimizer optimizer) {
        return ParameterServerConfig.builder().jobId(JOB).token(1).workers(1).shards(shards)
                .initialParameters(Nd4j.zeros(DataType.FLOAT, modelLength)).optimizer(optimizer)
                .checkpoints(dir, 0).resume(true);
    }

    @Test
    void aCheckpointOfAnotherModelLengthRefusesToStartNamingBoth(@TempDir Path dir) throws IOException {
        writeAll(new CheckpointStore(dir), 2);
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
                () -> ParameterServer.start(resumeConfig(dir, SHARDS, 12, ADAM).build()));
        assertTrue(e.getMessage().contains("a model of 10 parameters"), e.getMessage());
        assertTrue(e.getMessage().contains("a model of 12 parameters"), e.getMessage());
    }

    @Test
    void aCheckpointOfAnotherShardCountRefusesToStartNamingBoth(@TempDir Path dir) throws IOException {
        writeAll(new CheckpointStore(dir), 2);
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
                () -> ParameterServer.start(resumeConfig(dir, 3, MODEL, ADAM).build()));
        assertTrue(e.getMessage().contains("checkpoints of 2 shards"), e.getMessage());
        assertTrue(e.getMessage().contains("configured with 3 shards"), e.getMessage());
    }

    @Test
    void aCheckpointOfAnotherOptimizerRefusesToStartNamingBoth(@TempDir Path dir) throws IOException {
        writeAll(new CheckpointStore(dir), 2);
        SGD sgd = new SGD(0.1);
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
                () -> ParameterServer.start(resumeConfig(dir, SHARDS, MODEL, sgd).build()));
        assertTrue(e.getMessage().contains("optimizer " + ADAM.name() + " with 2 slots"), e.getMessage());
        assertTrue(e.getMessage().contains("optimizer " + sgd.name() + " with " + sgd.slotCount() + " slots"),
                e.getMessage());
    }

    @Test
    void aNonFiniteStateIsNeverWrittenAndTheRefusalIsCountedAndLogged(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir);
        writeAll(store, 2);
        int length = LAYOUT.shardLength(0);
        INDArray params = Nd4j.valueArrayOf(new long[]{length}, 1f, DataType.FLOAT);
        params.putScalar(3, Float.POSITIVE_INFINITY);
        try (CapturedStderr err = new CapturedStderr()) {
            IOException e = assertThrows(IOException.class, () -> store.write(JOB, 0, SHARDS, MODEL, 0, 4,
                    ADAM.name(), params, state(length, 4)));
            assertTrue(e.getMessage().contains("index=3 value=Infinity"), e.getMessage());
            assertTrue(err.text().contains("checkpoint refused: shard=0 version=4"), err.text());
        }
        OptimizerState nanSlot = state(length, 4);
        nanSlot.slots()[0].putScalar(1, Float.NaN);
        assertThrows(IOException.class, () -> store.write(JOB, 0, SHARDS, MODEL, 0, 4, ADAM.name(),
                Nd4j.ones(DataType.FLOAT, length), nanSlot));

        assertEquals(2, store.refusedNonFinite());
        assertEquals(0, store.failedWrites());
        assertFalse(Files.exists(file(dir, 0, 4)));
        assertEquals(2, store.loadLatest(expected(), 0, SHARDS)[0].version, "the finite checkpoint stays the newest");
    }

    @Test
    void aFailedWriteIsCountedInTheServerStats(@TempDir Path dir) throws Exception {
        Path checkpoints = dir.resolve("ckpt");
        ParameterServerConfig config = ParameterServerConfig.builder().jobId(JOB).token(1).workers(1).shards(1)
                .initialParameters(Nd4j.ones(DataType.FLOAT, MODEL)).optimizer(ADAM).checkpoints(checkpoints, 0).build();
        try (ParameterServer server = ParameterServer.start(config)) {
            Files.delete(checkpoints); // the directory vanishes under the server (a full or unmounted disk)
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> server.checkpoint().get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException, e.toString());
            assertEquals(1, server.stats().checkpointWriteFailures());
            assertTrue(server.stats().line().contains("checkpointWriteFailures=1"), server.stats().line());
            assertEquals(0, server.stats().checkpointsRefusedNonFinite());
        }
    }

    /** Writes a file exactly as format 1 did (the writer of every checkpoint made before format 2). */
    static void writeFormat1(Path file, int shard, long version, float[] params, OptimizerState state) throws IOException {
        try (FileOutputStream out = new FileOutputStream(file.toFile())) {
            CRC32 crc = new CRC32();
            DataOutputStream data = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(out, crc)));
            data.writeInt(CheckpointFile.MAGIC);
            data.writeInt(1);
            data.writeLong(JOB);
            data.writeInt(shard);
            data.writeInt(SHARDS);
            data.writeLong(MODEL);
            data.writeLong(LAYOUT.shardOffset(shard));
            data.writeLong(version);
            data.writeUTF(ADAM.name());
            data.writeInt(params.length);
            for (float v : params) {
                data.writeInt(Float.floatToRawIntBits(v));
            }
            state.writeTo(data);
            data.flush();
            data.writeLong(crc.getValue());
            data.flush();
        }
    }

    @Test
    void formatOneFilesStayReadable(@TempDir Path dir) throws IOException {
        float[][] written = new float[SHARDS][];
        for (int s = 0; s < SHARDS; s++) {
            int length = LAYOUT.shardLength(s);
            written[s] = Nd4j.rand(DataType.FLOAT, length).toFloatVector();
            writeFormat1(file(dir, s, 6), s, 6, written[s], state(length, 6));
        }
        CheckpointFile.ShardState[] states = new CheckpointStore(dir).loadLatest(expected(), 0, SHARDS);
        for (int s = 0; s < SHARDS; s++) {
            assertEquals(6, states[s].version);
            assertArrayEquals(written[s], states[s].params.toFloatVector());
            assertEquals(6, states[s].state.iterations());
            assertEquals(3.0f, states[s].state.slots()[0].getFloat(0), 0f);
        }
    }

    @Test
    void aServerWithoutInitialParametersRefusesWhenNoCheckpointIsThere(@TempDir Path dir) {
        ParameterServerConfig config = ParameterServerConfig.builder().jobId(JOB).token(1).workers(1).shards(SHARDS)
                .optimizer(ADAM).checkpoints(dir, 0).resume(true).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ParameterServer.start(config));
        assertTrue(e.getMessage().contains("no complete checkpoint"), e.getMessage());
        assertFalse(e instanceof CheckpointMismatchException);
    }
}
