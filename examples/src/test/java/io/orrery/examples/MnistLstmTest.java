package io.orrery.examples;

import io.orrery.core.data.Mnist;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mnist-lstm learns: LSTM(32) -> Dense(10, softmax) on the first 2,000 real MNIST training images read as 28 steps of
 * 28 pixels, 2 epochs of Adam (learning rate 0.01, batch 64), reaches at least 0.5 accuracy on the first 500 test
 * images (chance is 0.1; about 0.67 was measured). A model that ignored the recurrence would see only the last row.
 */
class MnistLstmTest {

    @Test
    void lstmOnMnistRowsLearnsWellAboveChance() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        double accuracy = MnistLstmCommand.run(Mnist.load(), 32, 2, 64, 0.01, 2000, 500, 1, out);
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("test_acc: "), printed);
        assertTrue(accuracy >= 0.5, "test accuracy " + accuracy);
    }

    @Test
    void commandIsListedWithItsOptions() {
        picocli.CommandLine cli = OrreryCli.commandLine();
        java.io.StringWriter help = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(help));
        assertTrue(cli.execute("mnist-lstm", "--help") == 0);
        for (String option : new String[]{"--units", "--epochs", "--batch-size", "--learning-rate", "--train-samples", "--data"}) {
            assertTrue(help.toString().contains(option), help.toString());
        }
    }
}
