package dev.governed.service.cli;

import java.util.concurrent.Callable;

/**
 * A subcommand that another module adds to {@code governed}: a picocli {@code @Command} whose {@code call()}
 * returns the exit code, listed in {@code META-INF/services/dev.governed.service.cli.GovernedCommand}. This is how
 * {@code governed demo}, which runs the JDBC driver and the HTTP decorator, joins the command line without the
 * service depending on either.
 */
public interface GovernedCommand extends Callable<Integer> {}
