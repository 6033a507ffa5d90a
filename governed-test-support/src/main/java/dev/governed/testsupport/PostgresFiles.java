package dev.governed.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File chores of the PostgreSQL fixture: removing directory trees and quoting the end of a log in an error. */
final class PostgresFiles {

    private PostgresFiles() {
    }

    /** Deletes {@code root} and everything below it; a tree that vanishes meanwhile (another JVM cleaned it) is fine. */
    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path each : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(each);
            }
        } catch (NoSuchFileException alreadyGone) {
            // Nothing left to delete.
        } catch (UncheckedIOException walkFailed) {
            if (!(walkFailed.getCause() instanceof NoSuchFileException)) {
                throw walkFailed.getCause();
            }
        }
    }

    /** The last lines of a log file, for error messages; never fails. */
    static String tail(Path log, int lines) {
        try {
            List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException unreadable) {
            return "(could not read " + log + ": " + unreadable + ")";
        }
    }
}
