package dev.governed.testsupport;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.io.FilenameUtils;
import org.apache.commons.lang3.StringUtils;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CI runs as root, so the in-JVM tests only ever exercise the privilege-dropping path. This starts a second JVM as an
 * unprivileged user (as {@code nobody} when we are root) so the plain path runs on every build too.
 */
class PostgresFixtureFreshJvmTest {

    @Test
    void anUnprivilegedJvmStartsItsOwnServerAndRemovesItAtExit() throws Exception {
        boolean root = new UnixSystem().getUid() == 0;
        Path workDirectory = Files.createTempDirectory("governed-postgres-child-");
        try {
            // Copied because the Maven repository usually lives in root's private home directory.
            String classpath = copyReadableClasspath(workDirectory);
            Path output = workDirectory.resolve("child.log");
            List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classpath, PostgresFixtureChildMain.class.getName());
            Process child = new ProcessBuilder(PostgresAccount.forThisJvm().command(java))
                    .directory(workDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();

            boolean finished = child.waitFor(120, TimeUnit.SECONDS);
            if (!finished) {
                child.destroyForcibly();
            }
            String log = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(finished).as("child JVM finished in time; output:%n%s", log).isTrue();
            assertThat(child.exitValue()).as("child JVM exit code; output:%n%s", log).isZero();
            String childUser = root ? "nobody" : System.getProperty("user.name");
            assertThat(log).contains("ROUND TRIP OK: written by postgres")
                    .contains("server runs as the current user " + childUser);

            Path dataDirectory = Path.of(valueAfter(log, "DATA DIRECTORY: "));
            long postmaster = Long.parseLong(valueAfter(log, "POSTMASTER PID: "));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).as("postmaster alive").isNotEqualTo(Optional.of(true));
            assertThat(dataDirectory.getParent()).as("run directory of the exited JVM").doesNotExist();
        } finally {
            PostgresFiles.deleteTree(workDirectory);
        }
    }

    private static String valueAfter(String log, String label) {
        return log.lines().filter(line -> line.startsWith(label)).findFirst()
                .map(line -> line.substring(label.length()).trim())
                .orElseThrow(() -> new AssertionError("No '" + label + "' line in the child output:\n" + log));
    }

    private static String copyReadableClasspath(Path workDirectory) throws Exception {
        Set<Path> entries = new LinkedHashSet<>();
        for (Class<?> each : List.of(PostgresFixture.class, PostgresFixtureChildMain.class, Driver.class,
                EmbeddedPostgres.class, TarArchiveInputStream.class, XZInputStream.class, StringUtils.class,
                FilenameUtils.class, LoggerFactory.class)) {
            entries.add(Path.of(each.getProtectionDomain().getCodeSource().getLocation().toURI()));
        }
        URL binaries = PostgresFixture.class.getClassLoader().getResource("postgres-linux-x86_64.txz");
        assertThat(binaries).as("PostgreSQL binaries on the test classpath").isNotNull();
        String jar = binaries.getPath();
        entries.add(Path.of(new URL(jar.substring(0, jar.indexOf("!/"))).toURI()));

        Files.setPosixFilePermissions(workDirectory, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> classpath = new ArrayList<>();
        for (Path each : entries) {
            Path copy = workDirectory.resolve(classpath.size() + "-" + each.getFileName());
            copyTree(each, copy);
            classpath.add(copy.toString());
        }
        return String.join(File.pathSeparator, classpath);
    }

    private static void copyTree(Path source, Path target) throws Exception {
        try (Stream<Path> all = Files.walk(source)) {
            for (Path each : (Iterable<Path>) all::iterator) {
                Path copy = target.resolve(source.relativize(each).toString());
                if (Files.isDirectory(each)) {
                    Files.createDirectories(copy);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(each, copy, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }
}
