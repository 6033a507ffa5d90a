package dev.governed.audit.sink;

import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Permissions for audit files Governed creates: they hold SQL text and who ran it, so a new file is
 * readable by its owner and group only. Existing files keep theirs; file systems without POSIX
 * permissions get none.
 */
final class OwnerOnly {

    private OwnerOnly() {}

    /** {@code permissions} like {@code rw-r-----} on POSIX file systems, nothing elsewhere. */
    static FileAttribute<?>[] attributes(Path file, String permissions) {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))};
    }
}
