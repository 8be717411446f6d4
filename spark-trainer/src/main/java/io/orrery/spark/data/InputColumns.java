package io.orrery.spark.data;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The names of the features column (an array of float or double) and the label column (an integral or floating
 * class index) of a {@code Dataset<Row>}, and the conversion of its rows to {@link Sample}s.
 */
public final class InputColumns implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Keras/Spark ML defaults. */
    public static final String DEFAULT_FEATURES = "features";
    public static final String DEFAULT_LABEL = "label";

    private final String features;
    private final String label;

    public InputColumns(String features, String label) {
        this.features = Objects.requireNonNull(features, "features column name");
        this.label = Objects.requireNonNull(label, "label column name");
    }

    public String features() {
        return features;
    }

    public String label() {
        return label;
    }

    /**
     * Checks the schema on the driver (no job runs) and converts rows to samples lazily.
     *
     * @throws InvalidInputException if a column is missing or has the wrong type
     */
    public JavaRDD<Sample> toSamples(Dataset<Row> data) {
        StructType schema = data.schema();
        int featuresIndex = indexOf(schema, features, "features");
        int labelIndex = indexOf(schema, label, "label");
        boolean doubles = checkFeatures(schema.fields()[featuresIndex]);
        DataType labelType = checkLabel(schema.fields()[labelIndex]);
        boolean integralLabel = labelType.equals(DataTypes.IntegerType) || labelType.equals(DataTypes.LongType)
                || labelType.equals(DataTypes.ShortType) || labelType.equals(DataTypes.ByteType);
        String labelName = label;
        return data.javaRDD().map(row -> new Sample(
                doubles ? toFloats(row.getList(featuresIndex).toArray()) : floatsOf(row.getList(featuresIndex).toArray()),
                integralLabel ? Math.toIntExact(((Number) row.get(labelIndex)).longValue())
                        : classIndex(((Number) row.get(labelIndex)).doubleValue(), labelName)));
    }

    /**
     * The features column alone, for prediction (no label needed).
     *
     * @throws InvalidInputException if the column is missing or has the wrong type
     */
    public JavaRDD<float[]> toFeatures(Dataset<Row> data) {
        StructType schema = data.schema();
        int featuresIndex = indexOf(schema, features, "features");
        boolean doubles = checkFeatures(schema.fields()[featuresIndex]);
        return data.javaRDD().map(row -> doubles ? toFloats(row.getList(featuresIndex).toArray())
                : floatsOf(row.getList(featuresIndex).toArray()));
    }

    /** An array column's values (Float or Double elements) as floats. */
    public static float[] floats(List<Object> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }

    private static int indexOf(StructType schema, String name, String role) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new InvalidInputException("Missing " + role + " column: expected a column named \"" + name
                    + "\", found columns " + Arrays.toString(schema.fieldNames())
                    + ". Rename the column or set the name with SparkTrainer.builder(spark)." + role + "Column(...)");
        }
        return schema.fieldIndex(name);
    }

    private static boolean checkFeatures(StructField field) {
        DataType type = field.dataType();
        if (type instanceof ArrayType) {
            DataType element = ((ArrayType) type).elementType();
            if (element.equals(DataTypes.FloatType)) {
                return false;
            }
            if (element.equals(DataTypes.DoubleType)) {
                return true;
            }
        }
        throw new InvalidInputException("Wrong type for features column \"" + field.name()
                + "\": expected array<float> or array<double> (one sample's input vector per row), found "
                + type.simpleString() + ". Convert it first, for example with functions.col(\"" + field.name()
                + "\").cast(\"array<float>\") or an array of the pixel columns.");
    }

    private static DataType checkLabel(StructField field) {
        DataType type = field.dataType();
        if (type.equals(DataTypes.IntegerType) || type.equals(DataTypes.LongType) || type.equals(DataTypes.ShortType)
                || type.equals(DataTypes.ByteType) || type.equals(DataTypes.FloatType)
                || type.equals(DataTypes.DoubleType)) {
            return type;
        }
        throw new InvalidInputException("Wrong type for label column \"" + field.name()
                + "\": expected a class index (int, long, float or double), found " + type.simpleString()
                + ". Map the labels to class indices 0..numClasses-1 first (for example with StringIndexer).");
    }

    private static int classIndex(double value, String column) {
        if (value != Math.rint(value)) {
            throw new InvalidInputException("Label column \"" + column + "\" holds " + value
                    + ": expected a whole class index 0..numClasses-1; round or index the labels first.");
        }
        return (int) value;
    }

    private static float[] floatsOf(Object[] boxed) {
        float[] out = new float[boxed.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Float) boxed[i];
        }
        return out;
    }

    private static float[] toFloats(Object[] boxed) {
        float[] out = new float[boxed.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Double) boxed[i]).floatValue();
        }
        return out;
    }
}
