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
