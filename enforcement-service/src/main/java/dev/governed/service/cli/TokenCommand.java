package dev.governed.service.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code governed token --dev}: mints a token from the development issuer of {@code serve --dev}. Every option has a
 * default, so {@code GOVERNED_TOKEN=$(governed token --dev)} is an administrator of a {@code serve --dev} started anywhere.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print a token from the development issuer of `serve --dev` (for trying the service; never in production).")
final class TokenCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--dev", required = true, description = "Use the development issuer (the only one this command knows)")
    boolean dev;

    @Option(names = "--data", paramLabel = "DIR", description = "The data directory of `serve --dev` (default ~/.governed/dev); must exist")
    Path data;

    @Option(names = "--subject", paramLabel = "SUB", defaultValue = "dev-user", description = "The token's sub (default ${DEFAULT-VALUE})")
    String subject;

    @Option(names = "--groups", paramLabel = "G,…", split = ",", defaultValue = "governed-admins,governed-auditors",
            description = "The token's groups (default ${DEFAULT-VALUE}); e.g. support-agents or governed-approvers,dba")
    List<String> groups;

    @Option(names = "--audience", paramLabel = "AUD,…", split = ",", defaultValue = DevIdentity.AUDIENCE,
            description = "The token's aud (default ${DEFAULT-VALUE}, what `serve --dev` requires); add a datasource's "
                    + "governed.audience, e.g. governed-dev,orders-db")
    List<String> audiences;

    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "3600", description = "Lifetime (default ${DEFAULT-VALUE})")
    long ttl;

    @Override
    public Integer call() {
        if (ttl <= 0) {
            throw new CliException(CliException.USAGE, "--ttl must be a positive number of seconds, e.g. --ttl 3600");
        }
        List<String> audience = audiences.stream().map(String::strip).filter(each -> !each.isEmpty()).distinct().toList();
        if (audience.isEmpty()) {
            throw new CliException(CliException.USAGE, "--audience is empty; give at least one, e.g. --audience " + DevIdentity.AUDIENCE);
        }
        DevIdentity issuer = DevIdentity.existing(data != null ? data : DevIdentity.defaultDataDir());
        String token = issuer.mint(subject, groups.stream().map(String::strip).filter(each -> !each.isEmpty()).toList(), audience,
                Duration.ofSeconds(ttl));
        if (!audience.contains(DevIdentity.AUDIENCE)) {
            spec.commandLine().getErr().println("note: the token's audience " + audience + " leaves out " + DevIdentity.AUDIENCE
                    + ", so `serve --dev` itself will not accept it (fine for a datasource that requires " + audience + ")");
            spec.commandLine().getErr().flush();
        }
        spec.commandLine().getOut().println(token);
        return 0;
    }
}
