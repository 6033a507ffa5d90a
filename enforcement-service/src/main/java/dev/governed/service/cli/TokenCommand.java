package dev.governed.service.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code governed token --dev}: mints a token from the local development issuer of {@code serve --dev}. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print a token from the development issuer of `serve --dev` (for trying the service; never in production).")
final class TokenCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--dev", required = true, description = "Use the development issuer (the only one this command knows)")
    boolean dev;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "governed-data", description = "The data directory of `serve --dev`")
    Path data;

    @Option(names = "--subject", required = true) String subject;

    @Option(names = "--groups", split = ",", description = "e.g. governed-admins or governed-approvers,dba") List<String> groups;

    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "3600") long ttl;

    @Override
    public Integer call() {
        String token = DevIdentity.open(data).mint(subject, groups == null ? List.of() : groups, Duration.ofSeconds(ttl));
        spec.commandLine().getOut().println(token);
        return 0;
    }
}
