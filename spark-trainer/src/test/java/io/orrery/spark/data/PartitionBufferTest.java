package io.orrery.spark.data;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PartitionBufferTest {

    /** Three blocks of width 3, given out of order: rows 0-1, 2-4, 5; row r holds r*10 + feature, label r. */
    private static PartitionBuffer threeBlocks() {
        return PartitionBuffer.ofBlocks(List.of(block(1, 2, 3), block(0, 0, 2), block(2, 5, 1)).iterator(), 3);
    }

    private static SampleBlock block(long order, int firstRow, int rows) {
        float[] x = new float[rows * 3];
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < 3; f++) {
                x[r * 3 + f] = (firstRow + r) * 10 + f;
            }
            y[r] = firstRow + r;
        }
        return new SampleBlock(order, 3, rows, x, y);
    }

    @Test
    void gatherIntoDirectMemoryEqualsGatherIntoArraysAcrossSegments() {
        PartitionBuffer data = threeBlocks();
        int[] order = {5, 0, 3, 1, 4, 2};
        float[] x = new float[4 * 3];
        float[] y = new float[4];
        data.gather(order, 1, 4, x, y);
        FloatBuffer xd = ByteBuffer.allocateDirect(4 * 3 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        FloatBuffer yd = ByteBuffer.allocateDirect(4 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        data.gather(order, 1, 4, xd, yd);
        float[] xBack = new float[x.length];
        float[] yBack = new float[y.length];
        xd.get(0, xBack);
        yd.get(0, yBack);
        assertArrayEquals(new float[]{0, 1, 2, 30, 31, 32, 10, 11, 12, 40, 41, 42}, x);
        assertArrayEquals(new float[]{0, 3, 1, 4}, y);
        assertArrayEquals(x, xBack);
        assertArrayEquals(y, yBack);
    }

    @Test
    void aRowOutsideThePartitionIsRefused() {
        FloatBuffer xd = FloatBuffer.allocate(3);
        FloatBuffer yd = FloatBuffer.allocate(1);
        assertThrows(IndexOutOfBoundsException.class, () -> threeBlocks().gather(new int[]{6}, 0, 1, xd, yd));
    }
}
