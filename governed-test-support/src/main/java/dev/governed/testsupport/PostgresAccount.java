package dev.governed.testsupport;

import com.sun.security.auth.module.UnixSystem;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The operating-system account that runs initdb, pg_ctl and postgres, which all refuse to run as root.
 * As root we drop to {@code nobody} with util-linux {@code setpriv} (a plain exec needing only CAP_SETUID/CAP_SETGID,
 * which containers keep by default), else {@code runuser}. zonky's own root workaround, {@code unshare -U}, is not
 * relied on: Docker's default seccomp profile and hardened kernels forbid user namespaces.
 */
final class PostgresAccount {

    private static final String UNPRIVILEGED_USER = "nobody";
    private static final List<String> SYSTEM_DIRECTORIES = List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin");

    private final List<String> commandPrefix;
    private final Optional<Owner> switchedTo;
    private final String description;

    private PostgresAccount(List<String> commandPrefix, Optional<Owner> switchedTo, String description) {
        this.commandPrefix = List.copyOf(commandPrefix);
        this.switchedTo = switchedTo;
        this.description = description;
    }

    static PostgresAccount forThisJvm() throws IOException {
        if (File.separatorChar != '/' || new UnixSystem().getUid() != 0) {
            return new PostgresAccount(List.of(), Optional.empty(), "the current user " + System.getProperty("user.name"));
        }
        int uid = idOf(UNPRIVILEGED_USER, "-u");
        int gid = idOf(UNPRIVILEGED_USER, "-g");
        Optional<Path> setpriv = findExecutable("setpriv");
        if (setpriv.isPresent()) {
            return new PostgresAccount(
                    List.of(setpriv.get().toString(), "--reuid=" + uid, "--regid=" + gid, "--clear-groups"),
                    Optional.of(new Owner(UNPRIVILEGED_USER, uid, gid)),
                    UNPRIVILEGED_USER + " (uid " + uid + ") via setpriv, because this JVM runs as root");
        }
        Optional<Path> runuser = findExecutable("runuser");
        if (runuser.isPresent()) {
            return new PostgresAccount(
                    List.of(runuser.get().toString(), "-u", UNPRIVILEGED_USER, "--"),
                    Optional.of(new Owner(UNPRIVILEGED_USER, uid, gid)),
                    UNPRIVILEGED_USER + " (uid " + uid + ") via runuser, because this JVM runs as root");
        }
        throw new IOException("This JVM runs as root and PostgreSQL refuses to run as root, but neither 'setpriv' nor"
                + " 'runuser' (both from util-linux) is installed to run it as '" + UNPRIVILEGED_USER + "'."
                + " Install util-linux (e.g. apt-get install util-linux) or run the build as a non-root user.");
    }

    /** The command line that runs {@code command} as this account. */
    List<String> command(List<String> command) {
        List<String> result = new ArrayList<>(commandPrefix);
        result.addAll(command);
        return result;
    }

    /** Makes {@code path} owned by this account, so the server may write there. */
    void handOver(Path path) throws IOException {
        if (switchedTo.isPresent()) {
            Files.setAttribute(path, "unix:uid", switchedTo.get().uid());
            Files.setAttribute(path, "unix:gid", switchedTo.get().gid());
        }
    }

    /** Fails with a precise message when this account cannot traverse into {@code directory}. */
    void checkCanEnter(Path directory) throws IOException {
        if (switchedTo.isEmpty()) {
            return;
        }
        for (Path each = directory.toRealPath(); each != null; each = each.getParent()) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(each);
            boolean owned = Integer.valueOf(switchedTo.get().uid()).equals(Files.getAttribute(each, "unix:uid"));
            if (!permissions.contains(owned ? PosixFilePermission.OWNER_EXECUTE : PosixFilePermission.OTHERS_EXECUTE)) {
                Owner owner = switchedTo.get();
                throw new IOException("PostgreSQL refuses to run as root, so this fixture runs it as '" + owner.name()
                        + "' (uid " + owner.uid() + "), which cannot enter " + each
                        + " (" + PosixFilePermissions.toString(permissions) + ")."
                        + " Point -Djava.io.tmpdir at a directory every user can traverse, such as /tmp.");
            }
        }
    }

    boolean isSwitchedFromRoot() {
        return switchedTo.isPresent();
    }

    String description() {
        return description;
    }

    private record Owner(String name, int uid, int gid) {
    }

    private static int idOf(String user, String option) throws IOException {
        Process id = new ProcessBuilder("id", option, user).redirectErrorStream(true).start();
        try {
            String output = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!id.waitFor(10, TimeUnit.SECONDS) || id.exitValue() != 0 || !output.matches("\\d+")) {
                throw new IOException("This JVM runs as root and PostgreSQL refuses to run as root, so it must run as '"
                        + user + "', but 'id " + option + " " + user + "' failed: " + output
                        + ". Create that user or run the build as a non-root user.");
            }
            return Integer.parseInt(output);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while looking up user " + user, interrupted);
        } finally {
            id.destroy();
        }
    }

    private static Optional<Path> findExecutable(String name) {
        Set<String> directories = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            directories.addAll(List.of(path.split(File.pathSeparator)));
        }
        directories.addAll(SYSTEM_DIRECTORIES);
        return directories.stream()
                .filter(each -> !each.isEmpty())
                .map(each -> Path.of(each, name))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
