package io.orrery.benchdl4j;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.data.BatchAndExportDataSetsFunction;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;

/**
 * DL4J's Export approach, done as DL4J does it but outside its guard, for a cluster whose executors share a local
 * disk ({@code local-cluster[N,1,MB]}: every executor JVM runs on this machine).
 *
 * <p>Why: {@code ParameterAveragingTrainingMaster} with {@code RDDTrainingApproach.Export} refuses any non-local
 * master whose default Hadoop file system is {@code file:} ({@code ExportSupport.assertExportSupported}), because on
 * separate hosts one executor could not read another's files. Here they can. The steps are those of DL4J's
 * {@code BaseTrainingMaster.exportIfRequired}: each partition batches and writes its DataSets with DL4J's own
 * {@code BatchAndExportDataSetsFunction} under {@code dir/data/}, the file names go to {@code dir/paths/}, and
 * training reads them back through {@code SparkDl4jMultiLayer.fitPaths}, DL4J's public entry for exported data,
 * which then runs the same {@code executeTrainingPaths} the Export approach runs. The alternative, Direct, re-scans
 * the whole cached RDD for every averaging round and was measured ~3.4x slower.
 */
final class SharedDiskExport {

    private SharedDiskExport() {
    }

    /**
     * Writes the batches once and returns the RDD of their paths, to be passed to {@code fitPaths} in every epoch.
     *
     * @param dir a directory on a disk every executor can read and write (here: under this machine's temp dir)
     */
    static JavaRDD<String> export(JavaSparkContext sc, JavaRDD<DataSet> data, int batchSize, Path dir) {
        String base = dir.toAbsolutePath().toString();
        String paths = base + "/paths/";
        data.mapPartitionsWithIndex(new BatchAndExportDataSetsFunction(batchSize, base + "/data/"), true)
                .saveAsTextFile(paths);
        return sc.textFile(paths);
    }
}
