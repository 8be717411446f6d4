package io.orrery.core.models;

import io.orrery.core.optimizers.OptimizerState;
import io.orrery.core.tensor.Backend;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The model file: a zip holding {@code model.json} (architecture and compile settings), {@code parameters.bin}
 * (the flat buffer of trainable weights), {@code non_trainable.bin} (the flat buffer of non-trainable weights, only
 * when the model has some) and {@code optimizer.bin} (the flat optimizer state). Written to a temporary file and
 * renamed, so a crash never leaves half a model. Layout in docs/model-format.md.
 */
final class ModelFile {

    private static final int PARAMS_MAGIC = 0x4F525250; // "ORRP"
    private static final int PARAMS_VERSION = 1;
    static final String PARAMETERS = "parameters.bin";
    static final String NON_TRAINABLE = "non_trainable.bin";

    private ModelFile() {
    }

    static void save(Sequential model, Path file) throws IOException {
        if (!model.isBuilt()) {
            throw new IllegalStateException("cannot save model " + model.name() + ": it is not built; build or fit it first");
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream raw = Files.newOutputStream(tmp);
                 ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(raw))) {
                zip.putNextEntry(new ZipEntry("model.json"));
                zip.write(model.toJson().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(PARAMETERS));
                writeParameters(model.parameters(), zip);
                zip.closeEntry();
                if (model.layout().nonTrainableSize() > 0) {
                    // absent otherwise, so files of models without such weights are exactly what older Orrery wrote
                    zip.putNextEntry(new ZipEntry(NON_TRAINABLE));
                    writeParameters(model.nonTrainableParameters(), zip);
                    zip.closeEntry();
                }
                if (model.optimizer() != null) {
                    zip.putNextEntry(new ZipEntry("optimizer.bin"));
                    DataOutputStream out = new DataOutputStream(zip);
                    model.optimizerState().writeTo(out);
                    out.flush();
                    zip.closeEntry();
                }
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static Sequential load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no model file at " + file.toAbsolutePath());
        }
        Map<String, byte[]> entries = new HashMap<>();
        // ZipFile reads the central directory at the end of the file, so a truncated file fails here instead of
        // loading silently without its last entries
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(e)) {
                    entries.put(e.getName(), in.readAllBytes());
                }
            }
        } catch (ZipException e) {
            throw new IOException(file + " is not an Orrery model file (not a zip, or truncated: " + e.getMessage() + ")", e);
        } catch (EOFException e) {
            // a zip cut short ends inside compressed data: name the file and the likely cause, not just "ZLIB"
            throw new IOException(file + " is truncated or corrupt (" + e.getMessage() + "); save the model again", e);
        }
        byte[] json = entries.get("model.json");
        byte[] params = entries.get(PARAMETERS);
        if (json == null || params == null) {
            throw new IOException(file + " is not an Orrery model file: expected entries model.json and parameters.bin, found "
                    + entries.keySet());
        }
        Sequential model = Sequential.fromJson(new String(json, StandardCharsets.UTF_8));
        if (!model.isBuilt()) {
            throw new IOException(file + ": model.json has no input_shape, so the weights cannot be placed");
        }
        readParameters(params, model.parameters(), file, PARAMETERS);
        byte[] nonTrainable = entries.get(NON_TRAINABLE);
        long nonTrainableSize = model.layout().nonTrainableSize();
        if (nonTrainableSize > 0 && nonTrainable == null) {
            throw new IOException(file + ": the model has " + nonTrainableSize + " non-trainable values (moving statistics) but the"
                    + " file has no " + NON_TRAINABLE + "; the file is corrupt or was not written by model.save");
        }
        if (nonTrainableSize == 0 && nonTrainable != null) {
            throw new IOException(file + ": " + NON_TRAINABLE + " is present but the model in model.json has no non-trainable"
                    + " weights; the entries belong to different models");
        }
        if (nonTrainable != null) {
            readParameters(nonTrainable, model.nonTrainableParameters(), file, NON_TRAINABLE);
        }
        byte[] opt = entries.get("optimizer.bin");
        if (opt != null && model.optimizer() != null) {
            OptimizerState state;
            try {
                state = OptimizerState.readFrom(new DataInputStream(new ByteArrayInputStream(opt)), Backend.floatx());
            } catch (EOFException e) {
                throw new IOException(file + ": optimizer.bin is truncated (" + opt.length + " bytes); the file is corrupt", e);
            }
            if (state.slots().length != model.optimizer().slotCount()
                    || (state.slots().length > 0 && state.slots()[0].length() != model.parameters().length())) {
                throw new IOException(file + ": optimizer.bin does not match the model (" + state.slots().length + " slots)");
            }
            model.setOptimizerState(state);
        }
        return model;
    }

    private static void writeParameters(INDArray flat, OutputStream out) throws IOException {
        long n = flat.length();
        ByteBuffer header = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(PARAMS_MAGIC).putInt(PARAMS_VERSION).putInt(flat.dataType() == DataType.DOUBLE ? 8 : 4).putLong(n);
        out.write(header.array());
        ByteBuffer body = ByteBuffer.allocate((int) n * (flat.dataType() == DataType.DOUBLE ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        if (flat.dataType() == DataType.DOUBLE) {
            body.asDoubleBuffer().put(flat.toDoubleVector());
        } else {
            body.asFloatBuffer().put(flat.castTo(DataType.FLOAT).toFloatVector());
        }
        out.write(body.array());
    }

    private static void readParameters(byte[] bytes, INDArray target, Path file, String entry) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 20 || in.getInt() != PARAMS_MAGIC) {
            throw new IOException(file + ": " + entry + " has no Orrery header; the file is corrupt");
        }
        int version = in.getInt();
        if (version != PARAMS_VERSION) {
            throw new IOException(file + ": " + entry + " format version " + version + ", this Orrery reads " + PARAMS_VERSION);
        }
        int width = in.getInt();
        long n = in.getLong();
        if (n != target.length() || (width != 4 && width != 8) || bytes.length != 20 + n * width) {
            throw new IOException(file + ": " + entry + " holds " + n + " values of " + width + " bytes in " + (bytes.length - 20)
                    + " bytes, the model expects " + target.length() + "; the file is truncated or belongs to another model");
        }
        if (width == 8) {
            double[] v = new double[(int) n];
            in.asDoubleBuffer().get(v);
            target.assign(Nd4j.createFromArray(v).castTo(target.dataType()));
        } else {
            float[] v = new float[(int) n];
            in.asFloatBuffer().get(v);
            target.assign(Nd4j.createFromArray(v).castTo(target.dataType()));
        }
    }
}
