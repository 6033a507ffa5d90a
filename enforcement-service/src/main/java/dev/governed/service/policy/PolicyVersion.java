package dev.governed.service.policy;

import java.time.Instant;

/** One uploaded policy document's metadata; {@code version} is the document's own {@code version}. */
public record PolicyVersion(long version, String sha256, String format, String uploadedBy, Instant uploadedAt, boolean active) {}
