package dev.governed.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where a sample keeps its files: {@code ~/.governed/samples/<name>}, emptied at each run, so nothing piles up; owner-only. */
final class SampleFolder {
    private SampleFolder() {}

    static Path of(String name) throws IOException {
        return fresh(Path.of(System.getProperty("user.home"), ".governed", "samples", name));
    }

    /** Empties (or creates) the folder. */
    static Path fresh(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> walk = Files.walk(folder)) {
                for (Path each : walk.sorted(Comparator.reverseOrder()).filter(each -> !each.equals(folder)).toList()) {
                    Files.delete(each);
                }
            }
        }
        if (!java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Files.createDirectories(folder);
        }
        // owner-only: the samples write signing keys here
        Files.createDirectories(folder, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return folder;
    }
}
