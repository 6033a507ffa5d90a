package dev.governed.service.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code governed} command line: {@code serve}, {@code token}, {@code policies}, {@code approvals}, {@code audit},
 * {@code replay}, and those other modules add ({@link GovernedCommand}: the samples add {@code demo}). Every failure is one line on stderr naming the problem and the fix, with an exit code
 * per kind (see {@link CliException}): 0 success, 1 failed (for {@code audit verify}: not intact), 2 usage, 3 not
 * proven ({@code audit verify}), 4 a named file is missing or unreadable, 5 the service cannot be reached, 6 the
 * service refused the token, 7 the service answered with another error, 70 an internal error (a bug: report it).
 */
@Command(name = "governed", mixinStandardHelpOptions = true, version = "governed 0.1.0",
        description = "Governed: the enforcement service and its administration.",
        subcommands = {ServeCommand.class, PoliciesCommand.class, ApprovalsCommand.class, AuditCommand.class, ReplayCommand.class, TokenCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failed (audit verify: the trail is not intact)", "2:usage error",
                "3:audit verify: not proven (unsigned, untrusted keys or open tail)", "4:a file named on the command line is missing or unreadable",
                "5:the service cannot be reached", "6:the service refused the token", "7:the service answered with another error",
                "70:internal error (a bug; rerun with GOVERNED_DEBUG=1 and report it)"})
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
        for (GovernedCommand added : ServiceLoader.load(GovernedCommand.class, GovernedCli.class.getClassLoader())) {
            commandLine.addSubcommand(added);
        }
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("governed: " + e.getMessage() + "; see `" + failed.getCommandSpec().qualifiedName() + " --help`");
            failed.getErr().flush();
            return CliException.USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            CliException failure = explain(e);
            line.getErr().println("governed: " + failure.getMessage());
            if (failure.exitCode() == CliException.INTERNAL && System.getenv("GOVERNED_DEBUG") != null) {
                e.printStackTrace(line.getErr());
            }
            line.getErr().flush();
            return failure.exitCode();
        });
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Turns what a command threw into the one line the user reads; only bugs keep their type, and only with GOVERNED_DEBUG. */
    static CliException explain(Throwable e) {
        Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
        if (cause instanceof CliException cli) {
            return cli;
        }
        for (Throwable each = cause; each != null; each = each.getCause()) {
            if (each instanceof NoSuchFileException || each instanceof AccessDeniedException) {
                String file = ((java.nio.file.FileSystemException) each).getFile();
                return CliException.unreadable("the file", Path.of(file == null ? "?" : file), (IOException) each);
            }
        }
        // the library's own refusals (a bad key file, a policy it cannot load) carry messages written for the user
        boolean explained = cause instanceof IOException || cause instanceof IllegalArgumentException || cause instanceof IllegalStateException
                || cause instanceof dev.governed.audit.AuditException || cause instanceof dev.governed.policy.PolicyException;
        if (explained) {
            String message = cause.getMessage();
            if (message != null && !message.isBlank()) {
                return new CliException(CliException.FAILED, message);
            }
        }
        String message = cause.getMessage() == null || cause.getMessage().isBlank() ? "no details" : cause.getMessage();
        String detail = System.getenv("GOVERNED_DEBUG") != null ? cause.getClass().getName() + ": " + message : message;
        return new CliException(CliException.INTERNAL, "internal error (" + detail + "); rerun with GOVERNED_DEBUG=1 for the stack trace"
                + " and report it");
    }
}
