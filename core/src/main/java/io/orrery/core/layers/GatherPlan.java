package io.orrery.core.layers;

/**
 * A fixed gather {@code target[j] = j maps to i >= 0 ? source[i] : 0}, stored as runs of consecutive indices so that
 * it copies blocks (im2col over channels-last inputs copies runs of {@code kernelW * channels} or {@code channels}
 * values), and its adjoint, the scatter-add {@code source[i] += target[j]}. Built once per input shape and reused.
 */
final class GatherPlan {

    private static final int SHORT_RUN = 8;

    final int sourceLength;
    final int targetLength;
    private final int[] runTarget;
    private final int[] runSource;
    private final int[] runLength;
    private final int runs;

    private GatherPlan(int sourceLength, int targetLength, int[] runTarget, int[] runSource, int[] runLength, int runs) {
        this.sourceLength = sourceLength;
        this.targetLength = targetLength;
        this.runTarget = runTarget;
        this.runSource = runSource;
        this.runLength = runLength;
        this.runs = runs;
    }

    /** From an index map: entry j is the source index of target j, or -1 for a zero. */
    static GatherPlan of(int[] index, int sourceLength) {
        int runs = 0;
        for (int j = 0; j < index.length; j++) {
            if (index[j] >= 0 && (j == 0 || index[j - 1] < 0 || index[j - 1] + 1 != index[j])) {
                runs++;
            }
        }
        int[] t = new int[runs];
        int[] s = new int[runs];
        int[] l = new int[runs];
        int r = -1;
        for (int j = 0; j < index.length; j++) {
            if (index[j] < 0) {
                continue;
            }
            if (j == 0 || index[j - 1] < 0 || index[j - 1] + 1 != index[j]) {
                r++;
                t[r] = j;
                s[r] = index[j];
            }
            l[r]++;
        }
        return new GatherPlan(sourceLength, index.length, t, s, l, runs);
    }

    /** Writes the gathered values; target positions mapped to -1 are left as they are (zero in a fresh buffer). */
    void gather(float[] source, float[] target) {
        gather(source, 0, target, 0);
    }

    /**
     * As {@link #gather(float[], float[])} with the plan shifted: source index i is read at {@code sourceOffset + i},
     * target j written at {@code targetOffset + j} (one sample's plan applied to each sample of a batch).
     */
    void gather(float[] source, int sourceOffset, float[] target, int targetOffset) {
        for (int r = 0; r < runs; r++) {
            int len = runLength[r];
            int s = runSource[r] + sourceOffset;
            int t = runTarget[r] + targetOffset;
            if (len < SHORT_RUN) {
                for (int k = 0; k < len; k++) {
                    target[t + k] = source[s + k];
                }
            } else {
                System.arraycopy(source, s, target, t, len);
            }
        }
    }

    void gather(double[] source, double[] target) {
        gather(source, 0, target, 0);
    }

    void gather(double[] source, int sourceOffset, double[] target, int targetOffset) {
        for (int r = 0; r < runs; r++) {
            System.arraycopy(source, runSource[r] + sourceOffset, target, runTarget[r] + targetOffset, runLength[r]);
        }
    }

    /** {@code source[i] += target[j]} for every mapped j: the adjoint of {@link #gather}. */
    void scatterAdd(float[] target, float[] source) {
        scatterAdd(target, 0, source, 0);
    }

    /** The adjoint of {@link #gather(float[], int, float[], int)}. */
    void scatterAdd(float[] target, int targetOffset, float[] source, int sourceOffset) {
        for (int r = 0; r < runs; r++) {
            int len = runLength[r];
            int s = runSource[r] + sourceOffset;
            int t = runTarget[r] + targetOffset;
            for (int k = 0; k < len; k++) {
                source[s + k] += target[t + k];
            }
        }
    }

    void scatterAdd(double[] target, double[] source) {
        scatterAdd(target, 0, source, 0);
    }

    void scatterAdd(double[] target, int targetOffset, double[] source, int sourceOffset) {
        for (int r = 0; r < runs; r++) {
            int len = runLength[r];
            int s = runSource[r] + sourceOffset;
            int t = runTarget[r] + targetOffset;
            for (int k = 0; k < len; k++) {
                source[s + k] += target[t + k];
            }
        }
    }
}
