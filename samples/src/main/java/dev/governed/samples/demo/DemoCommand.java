package dev.governed.samples.demo;

import dev.governed.service.cli.GovernedCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code governed demo}: an AI agent through the driver against an in-process service, on in-memory H2. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the demo: an AI support agent governed by an in-process service, on in-memory H2.")
public final class DemoCommand implements GovernedCommand {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = "--data", paramLabel = "DIR",
            description = "Folder for the demo's files (default ~/.governed/demo); each run replaces what the last one wrote there")
    java.nio.file.Path data;

    @Override
    public Integer call() throws Exception {
        // the demo's output is the story; the service's start-up logging would drown it
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        // Flyway warns that H2 is newer than the versions it was tested with; true, and no news to a demo's reader
        System.setProperty("org.slf4j.simpleLogger.log.org.flywaydb",
                System.getProperty("org.slf4j.simpleLogger.log.org.flywaydb", "error"));
        return new Demo(spec.commandLine().getOut(), data != null ? data : Demo.defaultFolder()).run() ? 0 : 1;
    }
}
