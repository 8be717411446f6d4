package io.orrery.core.models;

import io.orrery.core.data.Mnist;
import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.layers.Activation;
import io.orrery.core.layers.Dense;
import io.orrery.core.layers.Dropout;
import io.orrery.core.layers.Flatten;
import io.orrery.core.layers.Reshape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model files (docs/model-format.md): a reloaded model predicts bit for bit as the saved one, and resumes training
 * bit for bit as the original continues (optimizer state included); damaged or foreign files fail with clear errors.
 */
class ModelFileTest {

    @TempDir
    Path dir;

    private static INDArray x;
    private static INDArray y;

    @BeforeAll
    static void data() {
        TrainTestSplit mnist = Mnist.load();
        x = mnist.train().samples(0, 640).images().reshape(640, 784).divi(255);
        y = mnist.train().samples(0, 640).labels();
    }

    private static Sequential newModel(String optimizer) {
        Sequential model = new Sequential(List.of(new Dense(32, "relu"), new Dense(10, "softmax"))).setSeed(3);
        model.compile(optimizer, "sparse_categorical_crossentropy", "accuracy");
        return model;
    }

    private static float[] flat(INDArray a) {
        return a.dup('c').reshape(a.length()).toFloatVector();
    }

    private static FitOptions epochs(int n, boolean shuffle) {
        return FitOptions.defaults().epochs(n).batchSize(64).shuffle(shuffle).seed(11).verbose(0);
    }

    @Test
    void reloadedModelPredictsBitForBit() throws IOException {
        Sequential model = newModel("rmsprop");
        model.fit(x, y, epochs(1, true));
        Path file = dir.resolve("model.orrery");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        assertEquals(model.toJson(), loaded.toJson());
        assertArrayEquals(flat(model.parameters()), flat(loaded.parameters()));
        assertArrayEquals(flat(model.predict(x)), flat(loaded.predict(x)));
        assertEquals(model.evaluate(x, y), loaded.evaluate(x, y));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void resumingFromTheFileEqualsContinuingTheOriginal() throws IOException {
        // one optimizer per kind of state (one slot, two slots and bias correction by iteration, none), in order or shuffled
        for (Map.Entry<String, Boolean> run : Map.of("rmsprop", false, "adam", true, "sgd", false).entrySet()) {
            String optimizer = run.getKey();
            boolean shuffle = run.getValue();
            Sequential original = newModel(optimizer);
            original.fit(x, y, epochs(1, shuffle));
            Path file = dir.resolve(optimizer + ".orrery");
            original.save(file);
            Sequential resumed = Sequential.load(file);
            assertEquals(original.optimizerState().iterations(), resumed.optimizerState().iterations());

            History a = original.fit(x, y, epochs(2, shuffle));
            History b = resumed.fit(x, y, epochs(2, shuffle));
            String what = optimizer + (shuffle ? " shuffled" : " in order");
            assertArrayEquals(flat(original.parameters()), flat(resumed.parameters()), what + ": parameters");
            for (int i = 0; i < original.optimizerState().slots().length; i++) {
                assertArrayEquals(flat(original.optimizerState().slots()[i]), flat(resumed.optimizerState().slots()[i]), what + ": slot " + i);
            }
            assertEquals(a.history(), b.history(), what + ": history");
        }
    }

    @Test
    void resumingWithoutTheOptimizerStateWouldDiffer() throws IOException {
        // the control for the test above: the saved optimizer state is what makes resuming exact
        Sequential original = newModel("rmsprop");
        original.fit(x, y, epochs(1, false));
        Path file = dir.resolve("m.orrery");
        original.save(file);
        Sequential fresh = Sequential.load(file);
        fresh.setOptimizerState(fresh.optimizer().newState(fresh.parameters().length(), fresh.parameters().dataType()));
        original.fit(x, y, epochs(1, false));
        fresh.fit(x, y, epochs(1, false));
        assertFalse(java.util.Arrays.equals(flat(original.parameters()), flat(fresh.parameters())));
    }

    @Test
    void everyBuiltInLayerAndAnUncompiledModelRoundTrip() throws IOException {
        Sequential model = new Sequential(List.of(new Reshape(2, 8), new Flatten(), new Dense(8, "tanh", false, "he_normal", "zeros"),
                new Activation("relu"), new Dropout(0.3), new Dense(3))).setSeed(5);
        model.build(4, 4);
        Path file = dir.resolve("plain.orrery");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        assertEquals(null, loaded.optimizer());
        INDArray in = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 5, 4, 4);
        assertArrayEquals(flat(model.predict(in)), flat(loaded.predict(in)));
        assertEquals(model.layers().stream().map(l -> l.getConfig()).toList(), loaded.layers().stream().map(l -> l.getConfig()).toList());
    }

    @Test
    void entriesFollowTheDocumentedLayout() throws IOException {
        Sequential model = newModel("adam");
        model.fit(x, y, epochs(1, false));
        Path file = dir.resolve("layout.orrery");
        model.save(file);
        Map<String, byte[]> e = entries(file);
        assertEquals(java.util.Set.of("model.json", "parameters.bin", "optimizer.bin"), e.keySet());

        byte[] params = e.get("parameters.bin");
        assertArrayEquals(new byte[]{0x50, 0x52, 0x52, 0x4F}, java.util.Arrays.copyOf(params, 4));
        ByteBuffer b = ByteBuffer.wrap(params).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x4F525250, b.getInt());
        assertEquals(1, b.getInt());
        assertEquals(4, b.getInt());
        assertEquals(784 * 32 + 32 + 32 * 10 + 10, b.getLong());
        assertEquals(20 + 4 * model.countParams(), params.length);
        // the first kernel [784, 32] is column-major at offset 0; its bias follows
        INDArray kernel = model.layers().get(0).weights().get(0).array();
        for (int[] ij : new int[][]{{0, 0}, {1, 0}, {0, 1}, {783, 31}, {5, 17}}) {
            assertEquals(kernel.getFloat(ij[0], ij[1]), b.getFloat(20 + 4 * (ij[0] + ij[1] * 784)), "kernel" + java.util.Arrays.toString(ij));
        }
        INDArray bias = model.layers().get(0).weights().get(1).array();
        assertEquals(bias.getFloat(3), b.getFloat(20 + 4 * (784 * 32 + 3)));

        java.io.DataInputStream opt = new java.io.DataInputStream(new java.io.ByteArrayInputStream(e.get("optimizer.bin")));
        assertEquals(1, opt.readInt(), "state format version");
        assertEquals(10, opt.readLong(), "iterations: 640 samples in batches of 64");
        assertEquals(2, opt.readInt(), "Adam: m and v");
        assertEquals(model.countParams(), opt.readLong());
        assertEquals(model.optimizerState().slots()[0].getDouble(0), opt.readDouble());
        assertEquals(4 + 8 + 4 + 2 * (8 + 8 * model.countParams()), e.get("optimizer.bin").length);
    }

    // ---------------------------------------------------------------- damaged and foreign files

    private Path saved() throws IOException {
        Sequential model = newModel("adam");
        model.build(784);
        Path file = dir.resolve("good.orrery");
        model.save(file);
        return file;
    }

    private static Map<String, byte[]> entries(Path file) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                out.put(e.getName(), zip.readAllBytes());
            }
        }
        return out;
    }

    /** Rewrites one entry of a model file (null removes it). */
    private Path rewrite(Path file, String entry, UnaryOperator<byte[]> change) throws IOException {
        Map<String, byte[]> all = entries(file);
        byte[] changed = change.apply(all.get(entry));
        if (changed == null) {
            all.remove(entry);
        } else {
            all.put(entry, changed);
        }
        Path out = dir.resolve("changed-" + entry + ".orrery");
        try (OutputStream raw = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(raw)) {
            for (Map.Entry<String, byte[]> e : all.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out;
    }

    private static String loadError(Path file) {
        Exception e = assertThrows(Exception.class, () -> Sequential.load(file));
        assertTrue(e instanceof IOException || e instanceof IllegalArgumentException, "error type " + e);
        return e.getMessage();
    }

    @Test
    void fileThatIsNotAZipIsAClearError() throws IOException {
        Path file = dir.resolve("noise.orrery");
        Files.write(file, "this is not a model".getBytes(StandardCharsets.UTF_8));
        String m = loadError(file);
        assertTrue(m.contains(file.toString()) && m.contains("not an Orrery model file"), m);
    }

    @Test
    void missingFileIsAClearError() {
        String m = loadError(dir.resolve("absent.orrery"));
        assertTrue(m.contains("absent.orrery"), m);
    }

    @Test
    void truncatedFileIsAClearError() throws IOException {
        Path good = saved();
        byte[] bytes = Files.readAllBytes(good);
        for (int keep : new int[]{bytes.length / 2, bytes.length - 30, 100}) {
            Path file = dir.resolve("truncated-" + keep + ".orrery");
            Files.write(file, java.util.Arrays.copyOf(bytes, keep));
            String m = loadError(file);
            assertTrue(m.contains(file.toString()), m);
            assertTrue(m.contains("corrupt") || m.contains("truncated") || m.contains("not an Orrery model file"), m);
        }
    }

    @Test
    void futureFormatVersionIsAClearError() throws IOException {
        Path file = rewrite(saved(), "model.json",
                b -> new String(b, StandardCharsets.UTF_8).replace("\"format_version\" : 1", "\"format_version\" : 2").getBytes(StandardCharsets.UTF_8));
        String m = loadError(file);
        assertTrue(m.contains("format_version 2") && m.contains("upgrade"), m);
    }

    @Test
    void futureParametersVersionIsAClearError() throws IOException {
        Path file = rewrite(saved(), "parameters.bin", b -> {
            byte[] c = b.clone();
            ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 2);
            return c;
        });
        String m = loadError(file);
        assertTrue(m.contains("parameters.bin") && m.contains("version 2"), m);
    }

    @Test
    void parametersOfAnotherModelAreAClearError() throws IOException {
        Sequential other = new Sequential(List.of(new Dense(16, "relu"), new Dense(10, "softmax"))).build(784);
        Path otherFile = dir.resolve("other.orrery");
        other.save(otherFile);
        byte[] otherParams = entries(otherFile).get("parameters.bin");
        Path file = rewrite(saved(), "parameters.bin", b -> otherParams);
        String m = loadError(file);
        assertTrue(m.contains(String.valueOf(other.countParams())) && m.contains("25450"), m);
    }

    @Test
    void shortParametersAreAClearError() throws IOException {
        Path file = rewrite(saved(), "parameters.bin", b -> java.util.Arrays.copyOf(b, b.length - 8));
        String m = loadError(file);
        assertTrue(m.contains("truncated"), m);
        file = rewrite(saved(), "parameters.bin", b -> new byte[]{1, 2, 3});
        m = loadError(file);
        assertTrue(m.contains("corrupt"), m);
    }

    @Test
    void missingEntriesAreAClearError() throws IOException {
        String m = loadError(rewrite(saved(), "parameters.bin", b -> null));
        assertTrue(m.contains("parameters.bin") && m.contains("model.json"), m);
    }

    @Test
    void optimizerStateOfAnotherShapeIsAClearError() throws IOException {
        Sequential sgd = newModel("rmsprop");
        sgd.build(784);
        Path rms = dir.resolve("rms.orrery");
        sgd.save(rms);
        byte[] oneSlot = entries(rms).get("optimizer.bin");
        String m = loadError(rewrite(saved(), "optimizer.bin", b -> oneSlot));
        assertTrue(m.contains("optimizer.bin"), m);
        m = loadError(rewrite(saved(), "optimizer.bin", b -> java.util.Arrays.copyOf(b, b.length / 2)));
        assertTrue(m.contains("optimizer.bin") || m.contains("optimizer state"), m);
    }

    @Test
    void corruptJsonIsAClearError() throws IOException {
        String m = loadError(rewrite(saved(), "model.json", b -> java.util.Arrays.copyOf(b, b.length / 2)));
        assertTrue(m.contains("JSON"), m);
    }

    @Test
    void savingAnUnbuiltModelIsAClearError() {
        Sequential model = new Sequential(List.of(new Dense(3)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.save(dir.resolve("x.orrery")));
        assertTrue(e.getMessage().contains("not built"), e.getMessage());
    }

}
