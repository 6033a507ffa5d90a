package dev.governed.testsupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One PostgreSQL cluster for this JVM: loopback TCP only, no Unix socket (no socket-directory permissions or path
 * limits to get wrong), stopped and deleted at JVM exit. We drive initdb and pg_ctl ourselves rather than use zonky's
 * EmbeddedPostgres because, as root, zonky relies on {@code unshare -U}, which Docker's default seccomp profile and
 * hardened kernels block (initdb then fails with "cannot be run as root"), and it has no hook to run its commands as
 * another user; {@link PostgresAccount} provides that here. initdb takes about 0.6 s, so no template data directory
 * is cached.
 */
final class PostgresServer {

    static final String HOST = "127.0.0.1";
    static final String SUPERUSER = "postgres";
    static final String PASSWORD = "postgres";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final Pattern RUN_DIRECTORY = Pattern.compile("run-(\\d+)-.*");
    private static final int PORT_ATTEMPTS = 5;
    private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);

    private final PostgresBinaries binaries;
    private final PostgresAccount account;
    private final Path runDirectory;
    private final Path dataDirectory;
    private final int port;

    private PostgresServer(PostgresBinaries binaries, PostgresAccount account, Path runDirectory, int port) {
        this.binaries = binaries;
        this.account = account;
        this.runDirectory = runDirectory;
        this.dataDirectory = runDirectory.resolve("data");
        this.port = port;
    }

    /** Initialises and starts a fresh cluster under {@code workRoot}; it stops itself when the JVM exits. */
    static PostgresServer start(Path workRoot) throws IOException {
        Files.createDirectories(workRoot);
        // The unprivileged account must be able to traverse into its run directory and the binaries.
        Files.setPosixFilePermissions(workRoot, PosixFilePermissions.fromString("rwxr-xr-x"));
        PostgresAccount account = PostgresAccount.forThisJvm();
        account.checkCanEnter(workRoot);
        PostgresBinaries binaries = PostgresBinaries.unpackInto(workRoot);
        removeStaleRuns(workRoot, binaries, account);

        Path runDirectory = Files.createTempDirectory(workRoot, "run-" + ProcessHandle.current().pid() + "-");
        account.handOver(runDirectory);
        try {
            initdb(binaries, account, runDirectory);
            for (int attempt = 1; ; attempt++) {
                PostgresServer server = new PostgresServer(binaries, account, runDirectory, freeLoopbackPort());
                if (server.tryStart()) {
                    Runtime.getRuntime().addShutdownHook(new Thread(server::stopAndDelete, "postgres-fixture-stop"));
                    return server;
                }
                if (attempt == PORT_ATTEMPTS || !server.logShowsPortTaken()) {
                    throw server.startFailure();
                }
                LOG.info("Port {} was taken before PostgreSQL could bind it; trying another", server.port);
            }
        } catch (IOException | RuntimeException failure) {
            PostgresFiles.deleteTree(runDirectory);
            throw failure;
        }
    }

    int port() {
        return port;
    }

    String account() {
        return account.description();
    }

    private static void initdb(PostgresBinaries binaries, PostgresAccount account, Path runDirectory) throws IOException {
        Path passwordFile = runDirectory.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n", StandardCharsets.UTF_8);
        account.handOver(passwordFile);
        Path output = runDirectory.resolve("initdb.log");
        int exit = run(account, runDirectory, output, INITDB_TIMEOUT, List.of(
                binaries.executable("initdb").toString(),
                "--pgdata=" + runDirectory.resolve("data"),
                "--username=" + SUPERUSER,
                "--pwfile=" + passwordFile,
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
                "--no-instructions"));
        Files.delete(passwordFile);
        if (exit != 0) {
            throw new IOException("initdb failed (exit " + exit + ") running as " + account.description() + ":"
                    + System.lineSeparator() + PostgresFiles.tail(output, 20) + System.lineSeparator()
                    + accessHint(account, binaries));
        }
        // Throwaway test data: durability costs time and buys nothing here.
        Files.writeString(runDirectory.resolve("data").resolve("postgresql.conf"), String.join("\n",
                "",
                "listen_addresses = '" + HOST + "'",
                "unix_socket_directories = ''",
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                "max_connections = 200",
                "shared_buffers = 32MB",
                "timezone = 'UTC'",
                ""), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private boolean tryStart() throws IOException {
        long started = System.nanoTime();
        int exit = pgCtl("-l", log().toString(), "-o", "-p " + port, "-w", "-t", "60", "start");
        if (exit == 0) {
            LOG.info("PostgreSQL started on {}:{} as {} in {} ms (data in {})",
                    HOST, port, account.description(), (System.nanoTime() - started) / 1_000_000, dataDirectory);
        }
        return exit == 0;
    }

    private IOException startFailure() {
        return new IOException("PostgreSQL did not start on " + HOST + ":" + port + " as " + account.description()
                + ". pg_ctl said:" + System.lineSeparator() + PostgresFiles.tail(runDirectory.resolve("pg_ctl.log"), 10)
                + System.lineSeparator() + "Server log:" + System.lineSeparator() + PostgresFiles.tail(log(), 20));
    }

    private boolean logShowsPortTaken() {
        String tail = PostgresFiles.tail(log(), 20);
        return tail.contains("could not bind") || tail.contains("Address already in use");
    }

    private void stopAndDelete() {
        try {
            if (pgCtl("-m", "fast", "-w", "-t", "10", "stop") != 0) {
                pgCtl("-m", "immediate", "-w", "-t", "10", "stop");
            }
            PostgresFiles.deleteTree(runDirectory);
        } catch (IOException | RuntimeException failure) {
            // Shutdown hooks cannot report upwards; the next JVM removes what is left (see removeStaleRuns).
            LOG.warn("Could not stop and delete the PostgreSQL test server in {}: {}", runDirectory, failure.toString());
        }
    }

    private int pgCtl(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                binaries.executable("pg_ctl").toString(), "-D", dataDirectory.toString()));
        command.addAll(List.of(arguments));
        return run(account, runDirectory, runDirectory.resolve("pg_ctl.log"), PG_CTL_TIMEOUT, command);
    }

    private Path log() {
        return runDirectory.resolve("postgres.log");
    }

    /** Removes run directories left by JVMs that died without their shutdown hook (kill -9, crashed fork). */
    private static void removeStaleRuns(Path workRoot, PostgresBinaries binaries, PostgresAccount account) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(workRoot, "run-*")) {
            for (Path each : children) {
                Matcher name = RUN_DIRECTORY.matcher(each.getFileName().toString());
                if (!name.matches() || ProcessHandle.of(Long.parseLong(name.group(1))).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                PostgresServer orphan = new PostgresServer(binaries, account, each, 0);
                if (Files.exists(orphan.dataDirectory.resolve("postmaster.pid"))) {
                    orphan.pgCtl("-m", "immediate", "-w", "-t", "10", "stop");
                }
                PostgresFiles.deleteTree(each);
                LOG.info("Removed the PostgreSQL test server left behind in {}", each);
            }
        } catch (IOException | RuntimeException failure) {
            LOG.warn("Could not remove stale PostgreSQL test servers under {}: {}", workRoot, failure.toString());
        }
    }

    private static int run(PostgresAccount account, Path directory, Path output, Duration timeout, List<String> command)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(account.command(command))
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // PGDATA, PGPORT and friends from the developer's shell must not redirect our cluster.
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().put("LC_ALL", "C");
        Process process = builder.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("Timed out after " + timeout.toSeconds() + " s running " + command
                        + "; output so far:" + System.lineSeparator() + PostgresFiles.tail(output, 20));
            }
            return process.exitValue();
        } catch (InterruptedException interrupted) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running " + command, interrupted);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static String accessHint(PostgresAccount account, PostgresBinaries binaries) {
        String noexec = "Hint: the binaries run from " + binaries.home() + "; if that file system is mounted noexec,"
                + " point -Djava.io.tmpdir at one where programs may run.";
        if (!account.isSwitchedFromRoot()) {
            return noexec;
        }
        return noexec + " Running as root, the server runs as another account, which must be able to read "
                + binaries.home() + " and traverse every directory above it (a java.io.tmpdir private to root fails)."
                + " If the output says 'Operation not permitted', this container lacks CAP_SETUID/CAP_SETGID:"
                + " run the build as a non-root user.";
    }
}
