package io.orrery.core.metrics;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Direct host reads agree with ND4J for every layout the metrics meet: c and f order, views, strides, types. */
class HostArraysTest {

    private static List<INDArray> layouts(DataType type) {
        Nd4j.getRandom().setSeed(4);
        INDArray c = Nd4j.rand(DataType.DOUBLE, 37, 10).muli(20).castTo(type);
        return List.of(
                c,
                c.dup('f'),
                c.get(NDArrayIndex.interval(5, 30), NDArrayIndex.all()),          // row window
                c.dup('f').get(NDArrayIndex.interval(3, 20), NDArrayIndex.interval(2, 9)),
                c.transpose(),                                                    // strided, f-like
                c.getColumn(3),                                                   // strided vector
                c.getRow(7),
                c.get(NDArrayIndex.interval(0, 37), NDArrayIndex.point(4)).reshape(37, 1));
    }

    @Test
    void valuesMatchNd4jForEveryLayoutAndType() {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE, DataType.INT, DataType.LONG}) {
            for (INDArray a : layouts(type)) {
                double[] expected = a.dup('c').castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
                assertArrayEquals(expected, HostArrays.values(a), type + " " + a.shapeInfoToString());
            }
        }
    }

    @Test
    void argMaxMatchesNd4jForEveryLayout() {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            for (INDArray a : layouts(type)) {
                if (a.rank() != 2) {
                    continue;
                }
                long[] expected = a.dup('c').argMax(1).toLongVector();
                assertArrayEquals(expected, HostArrays.argMaxRows(a), type + " " + a.shapeInfoToString());
            }
        }
        // ties go to the first maximum
        assertArrayEquals(new long[]{1, 0}, HostArrays.argMaxRows(Nd4j.createFromArray(new float[][]{{0, 2, 2}, {1, 1, 1}})));
    }
}
