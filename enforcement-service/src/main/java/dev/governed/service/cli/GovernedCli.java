package dev.governed.service.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code governed} command line: {@code serve}, {@code policies push|list|activate|rollback},
 * {@code approvals list|approve|deny}, {@code audit verify|export|query}, {@code replay <session>}, {@code demo}. Exit code 0 on success, 1 when the
 * operation failed (or, for {@code audit verify}, the trail is not intact), 2 on a usage error.
 */
@Command(name = "governed", mixinStandardHelpOptions = true, version = "governed 0.1.0",
        description = "Governed: the enforcement service and its administration.",
        subcommands = {ServeCommand.class, PoliciesCommand.class, ApprovalsCommand.class, AuditCommand.class, ReplayCommand.class, TokenCommand.class,
                DemoCommand.class})
public final class GovernedCli {

    public static void main(String[] args) {
        int code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        if (code != 0 || !ServeCommand.isServing()) {
            System.exit(code);
        }
    }

    /** Runs one command with the given output streams and returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new GovernedCli());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof CliException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                line.getErr().println("governed: " + e.getMessage());
            } else {
                line.getErr().println("governed: unexpected failure: " + e);
            }
            line.getErr().flush();
            return 1;
        });
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
