package io.orrery.core.tensor;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RowGatherTest {

    private static final int[] ROWS = {4, 0, 3, 3, 1};

    private static INDArray expected(INDArray source) {
        return Nd4j.pullRows(source, 1, ROWS);
    }

    private static INDArray gathered(INDArray source, char ordering) {
        INDArray dest = Nd4j.createUninitialized(source.dataType(), new long[]{ROWS.length, source.size(1)}, ordering);
        new RowGather().gather(source, ROWS, dest);
        return dest;
    }

    @Test
    void floatRowsIntoColumnMajorBatchMatchPullRows() {
        INDArray source = Nd4j.rand(DataType.FLOAT, 6, 7);
        assertEquals(expected(source), gathered(source, 'f'));
    }

    @Test
    void manyRowsIntoColumnMajorBatchesOverSeveralBlocksMatchPullRows() {
        // more rows than one block (32) with a partial last block, then a smaller batch on the same instance
        RowGather gather = new RowGather();
        INDArray source = Nd4j.rand(DataType.FLOAT, 200, 11);
        for (int n : new int[]{70, 33, 5}) {
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                rows[i] = (i * 37 + 3) % 200;
            }
            INDArray dest = Nd4j.createUninitialized(DataType.FLOAT, new long[]{n, 11}, 'f');
            gather.gather(source, rows, dest);
            assertEquals(Nd4j.pullRows(source, 1, rows), dest, "batch of " + n);
        }
    }

    @Test
    void rowsOfEveryTypeIntoRowMajorBatchMatchPullRows() {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE, DataType.INT, DataType.LONG}) {
            INDArray source = Nd4j.linspace(1, 42, 42, DataType.DOUBLE).castTo(type).reshape('c', 6, 7);
            assertEquals(expected(source), gathered(source, 'c'), type.toString());
        }
    }

    @Test
    void rowsOfAnOffsetViewMatchPullRows() {
        INDArray whole = Nd4j.rand(DataType.FLOAT, 9, 5);
        INDArray source = whole.get(NDArrayIndex.interval(3, 9),
                NDArrayIndex.all());
        assertEquals(expected(source.dup('c')), gathered(source, 'c'));
        assertEquals(expected(source.dup('c')), gathered(source, 'f'));
    }

    @Test
    void doubleRowsIntoColumnMajorBatchTakeTheFallback() {
        INDArray source = Nd4j.rand(DataType.DOUBLE, 6, 3);
        assertEquals(expected(source), gathered(source, 'f'));
    }
}
