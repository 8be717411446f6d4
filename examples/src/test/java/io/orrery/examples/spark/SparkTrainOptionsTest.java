package io.orrery.examples.spark;

import io.orrery.examples.OrreryCli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code spark-train}'s parameter-server options: listed in the help, bad values refused before Spark starts. */
class SparkTrainOptionsTest {

    private static String[] run(String... args) {
        CommandLine cli = OrreryCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[]{String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void helpListsTheServerOptions() {
        String[] r = run("spark-train", "--help");
        assertEquals("0", r[0]);
        for (String option : new String[]{"--encoding", "--sparse-fraction", "--shards", "--checkpoint-dir",
                "--checkpoint-every", "--shard-placement", "--model"}) {
            assertTrue(r[1].contains(option), option + " in:\n" + r[1]);
        }
    }

    @Test
    void badValuesAreClearErrors() {
        String[] r = run("spark-train", "--encoding", "int8");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("Invalid value for option '--encoding': Unknown gradient encoding \"int8\": "
                + "expected one of float32, float16, bfloat16, sparse"), r[2]);
        r = run("spark-train", "--shards", "0");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("Invalid value for option '--shards': expected at least 1, found 0"), r[2]);
        r = run("spark-train", "--encoding", "sparse", "--sparse-fraction", "0.9");
        assertTrue(r[2].contains("'--sparse-fraction': expected a fraction in (0, 0.5], found 0.9"), r[2]);
        r = run("spark-train", "--checkpoint-dir", "/tmp/x", "--checkpoint-every", "0");
        assertTrue(r[2].contains("'--checkpoint-every': expected at least 1 step, found 0"), r[2]);
        r = run("spark-train", "--shard-placement", "everywhere");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("'--shard-placement': expected driver or colocated, found \"everywhere\""), r[2]);
        r = run("spark-train", "--shard-placement", "colocated", "--shards", "2");
        assertTrue(r[2].contains("--shard-placement colocated makes one shard per worker"), r[2]);
        r = run("spark-train", "--model", "resnet");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("Invalid value for option '--model': expected mlp or convnet, found \"resnet\""), r[2]);
        r = run("spark-train", "--mode", "sometimes");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("Invalid value for option '--mode'"), r[2]);
    }
}
