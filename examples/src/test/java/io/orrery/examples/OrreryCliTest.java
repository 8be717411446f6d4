package io.orrery.examples;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrreryCliTest {

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
    void helpListsTheSubcommands() {
        String[] r = run("--help");
        assertEquals("0", r[0]);
        for (String c : new String[]{"mnist", "mnist-convnet", "fashion-mnist", "tape", "custom-layer", "core-bench", "ps", "bench"}) {
            assertTrue(r[1].contains(c), "help lists " + c + ":\n" + r[1]);
        }
    }

    @Test
    void eachSubcommandHasHelp() {
        for (String c : new String[]{"mnist", "mnist-convnet", "fashion-mnist", "tape", "custom-layer", "core-bench", "ps", "bench"}) {
            String[] r = run(c, "--help");
            assertEquals("0", r[0], c);
            assertTrue(r[1].contains("Usage:"), r[1]);
        }
    }

    @Test
    void eachWalkthroughKeepsItsOwnDefaultsThroughTheSharedOptions() {
        MnistCommand mnist = new MnistCommand();
        new CommandLine(mnist).parseArgs();
        assertEquals(5, mnist.options.epochs);
        assertEquals(128, mnist.options.batchSize);
        MnistConvnetCommand convnet = new MnistConvnetCommand();
        new CommandLine(convnet).parseArgs();
        assertEquals(5, convnet.options.epochs);
        assertEquals(64, convnet.options.batchSize);
        MnistLstmCommand lstm = new MnistLstmCommand();
        new CommandLine(lstm).parseArgs();
        assertEquals(3, lstm.options.epochs);
        assertEquals(128, lstm.options.batchSize);
        assertEquals(1, lstm.options.seed);
        MnistConvnetCommand given = new MnistConvnetCommand();
        new CommandLine(given).parseArgs("--batch-size", "32");
        assertEquals(32, given.options.batchSize);
        String help = run("mnist-convnet", "--help")[1];
        assertTrue(help.contains("Mini-batch size (default: 64)"), help);
        assertTrue(run("mnist-lstm", "--help")[1].contains("Training epochs (default: 3)"), help);
    }

    @Test
    void unknownOptionIsAClearError() {
        String[] r = run("mnist", "--epochz", "3");
        assertNotEquals("0", r[0]);
        assertTrue(r[2].contains("Unknown option") && r[2].contains("'--epochz'"), r[2]);
    }

    @Test
    void nonNumericEpochsIsAClearError() {
        String[] r = run("mnist", "--epochs", "five");
        assertNotEquals("0", r[0]);
        assertTrue(r[2].contains("--epochs") && r[2].contains("five"), r[2]);
    }

    @Test
    void missingCommandSaysWhatToChoose() {
        String[] r = run();
        assertNotEquals("0", r[0]);
        assertTrue(r[2].contains("Missing command"), r[2]);
    }
}
