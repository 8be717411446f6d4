package io.orrery.core.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The host-side loops of a convolution's fused path, on one thread part's samples: the input to its host copy,
 * im2col of a chunk of samples into the part's chunk buffer (one sample's {@link GatherPlan} applied at each
 * sample's offset), col2im of a chunk's patch gradients, and the input gradient back to its ND4J buffer.
 */
final class ConvPatches {

    private ConvPatches() {
    }

    /** Samples {@code [b0, b1)} of the input to its host copy. */
    static void readInput(INDArray x, ConvWorkspace w, int b0, int b1) {
        int in = w.inputPerSample;
        if (w.type == DataType.FLOAT) {
            HostCopy.read(x, w.inF, b0 * in, (b1 - b0) * in);
        } else {
            HostCopy.read(x, w.inD, b0 * in, (b1 - b0) * in);
        }
    }

    /** Samples {@code [c0, c1)} (read by {@link #readInput}): their patches into the part's chunk buffer. */
    static void im2col(GatherPlan samplePlan, ConvWorkspace w, ConvWorkspace.Chunk chunk, int c0, int c1) {
        int in = w.inputPerSample;
        int patches = w.rowsPerSample * w.patchColumns;
        if (w.type == DataType.FLOAT) {
            for (int b = c0; b < c1; b++) {
                samplePlan.gather(w.inF, b * in, chunk.colsF, (b - c0) * patches);
            }
            HostCopy.write(chunk.colsF, chunk.cols, 0, (c1 - c0) * patches);
        } else {
            for (int b = c0; b < c1; b++) {
                samplePlan.gather(w.inD, b * in, chunk.colsD, (b - c0) * patches);
            }
            HostCopy.write(chunk.colsD, chunk.cols, 0, (c1 - c0) * patches);
        }
    }

    /** Samples {@code [c0, c1)}: the patch gradients summed onto the input cells they came from. */
    static void col2im(GatherPlan samplePlan, ConvWorkspace w, ConvWorkspace.Chunk chunk, int c0, int c1) {
        int in = w.inputPerSample;
        int patches = w.rowsPerSample * w.patchColumns;
        if (w.type == DataType.FLOAT) {
            HostCopy.read(chunk.dCols, chunk.dColsF, 0, (c1 - c0) * patches);
            Arrays.fill(w.dxF, c0 * in, c1 * in, 0f);
            for (int b = c0; b < c1; b++) {
                samplePlan.scatterAdd(chunk.dColsF, (b - c0) * patches, w.dxF, b * in);
            }
        } else {
            HostCopy.read(chunk.dCols, chunk.dColsD, 0, (c1 - c0) * patches);
            Arrays.fill(w.dxD, c0 * in, c1 * in, 0.0);
            for (int b = c0; b < c1; b++) {
                samplePlan.scatterAdd(chunk.dColsD, (b - c0) * patches, w.dxD, b * in);
            }
        }
    }

    static void writeInputGradient(ConvWorkspace w, int b0, int b1) {
        int in = w.inputPerSample;
        if (w.type == DataType.FLOAT) {
            HostCopy.write(w.dxF, w.dx, b0 * in, (b1 - b0) * in);
        } else {
            HostCopy.write(w.dxD, w.dx, b0 * in, (b1 - b0) * in);
        }
    }
}
