package io.orrery.examples;

import io.orrery.examples.bench.BenchCommand;
import io.orrery.examples.chaos.ChaosCommand;
import io.orrery.examples.spark.SparkTrainCommand;
import io.orrery.examples.speed.CoreEpochBenchmark;
import io.orrery.ps.ParameterServerMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.OptionalInt;

/**
 * The one entry point of {@code orrery-examples.jar}: {@code java -jar orrery-examples.jar <command> --help}.
 */
@Command(name = "orrery", mixinStandardHelpOptions = true, version = "Orrery 0.1.0",
        description = "Keras-style deep learning on the JVM, trained locally or on Spark through an Aeron parameter server.",
        subcommands = {
                MnistCommand.class,
                MnistConvnetCommand.class,
                FashionMnistCommand.class,
                MnistLstmCommand.class,
                TapeCommand.class,
                CustomLayerCommand.class,
                CoreEpochBenchmark.class,
                SparkTrainCommand.class,
                ChaosCommand.class,
                CommandLine.HelpCommand.class
        })
public final class OrreryCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: choose one of " + spec.subcommands().keySet());
    }

    public static void main(String[] args) {
        // before anything loads ND4J's OpenBLAS: its kernels are chosen when it loads
        OptionalInt relaunched = BlasCoreType.relaunch();
        if (relaunched.isPresent()) {
            System.exit(relaunched.getAsInt());
        }
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new OrreryCli());
        // the standalone parameter server keeps its own name as a main class; here it is the `ps` command
        cli.addSubcommand("ps", new ParameterServerMain());
        cli.addSubcommand("bench", new BenchCommand());
        return cli;
    }
}
