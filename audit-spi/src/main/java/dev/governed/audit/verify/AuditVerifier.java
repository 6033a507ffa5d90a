package dev.governed.audit.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.HashChain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Verifies audit files written by the dispatcher: every event's hash over its canonical JSON, the
 * {@code seq}/{@code prev} links inside each stream, the link of a resumed stream to an earlier
 * one, and every checkpoint (its head against the event at its seq, and its JWS signature against
 * the trusted public keys). Detects deleted, inserted, changed and reordered events, truncation
 * before a later checkpoint and forged or missing signatures; each problem names file:line.
 *
 * <p>Events after a stream's last checkpoint can be cut off without trace; the dispatcher writes a
 * checkpoint when it closes, and the verifier warns about streams that do not end with one.
 * Without trusted keys, signatures are not checked, so an attacker who rewrites a whole file
 * consistently goes unnoticed: give the public keys for real assurance.
 */
public final class AuditVerifier {

    private final TrustedKeys trusted;

    private AuditVerifier(Map<String, JWK> trusted) {
        this.trusted = new TrustedKeys(trusted);
    }

    /** Checks chains and checkpoint heads but no signatures. */
    public static AuditVerifier withoutSignatures() {
        return new AuditVerifier(Map.of());
    }

    /** Also requires every checkpoint to carry a valid signature by one of these keys (by {@code kid}). */
    public static AuditVerifier trusting(JWKSet keys) {
        Map<String, JWK> byId = new HashMap<>();
        for (JWK each : keys.getKeys()) {
            if (each.getKeyID() == null) {
                throw new AuditException("a trusted audit key has no 'kid'; checkpoints name their key by kid");
            }
            byId.put(each.getKeyID(), each.toPublicJWK());
        }
        if (byId.isEmpty()) {
            throw new AuditException("no trusted audit keys given; pass the public JWK(s) that sign checkpoints");
        }
        return new AuditVerifier(Map.copyOf(byId));
    }

    /** Reads trusted public keys from a JWK or JWK Set file. */
    public static AuditVerifier trusting(Path jwkOrJwkSetFile) {
        try {
            String text = Files.readString(jwkOrJwkSetFile, StandardCharsets.UTF_8);
            JsonNode tree = AuditJson.readTree(text);
            return trusting(tree.has("keys") ? JWKSet.parse(text) : new JWKSet(JWK.parse(text)));
        } catch (IOException e) {
            throw new AuditException("cannot read trusted audit keys from " + jwkOrJwkSetFile + ": " + e.getMessage(), e);
        } catch (ParseException | AuditException e) {
            throw new AuditException("trusted audit keys in " + jwkOrJwkSetFile + " are not a JWK or JWK Set: "
                    + e.getMessage(), e);
        }
    }

    /** Verifies one file, or every {@code *.jsonl} file of a directory taken in name order. */
    public VerificationResult verify(Path fileOrDirectory) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(fileOrDirectory)) {
            try (Stream<Path> listing = Files.list(fileOrDirectory)) {
                listing.filter(p -> p.getFileName().toString().endsWith(".jsonl") && Files.isRegularFile(p))
                        .sorted().forEach(files::add);
            }
        } else if (Files.isRegularFile(fileOrDirectory)) {
            files.add(fileOrDirectory);
        } else {
            throw new IOException("no audit file or directory at " + fileOrDirectory);
        }
        Run run = new Run();
        for (Path each : files) {
            run.read(each);
        }
        return run.finish(files.stream().map(Path::toString).toList());
    }

    /**
     * Verifies audit lines from any source, e.g. an export downloaded from the enforcement
     * service; {@code sourceName} stands for the file in problem locations. The reader is not closed.
     */
    public VerificationResult verify(String sourceName, Reader lines) throws IOException {
        Run run = new Run();
        run.read(sourceName, lines instanceof BufferedReader buffered ? buffered : new BufferedReader(lines));
        return run.finish(List.of(sourceName));
    }

    private record Location(String file, long line) {}

    /** What the chain check needs of one event line; {@code hashMatches}: its content still hashes to {@code hash}. */
    private record EventLine(Location at, String id, long seq, String prev, String hash, boolean hashMatches) {}

    private record CheckpointLine(Location at, Checkpoint checkpoint) {}

    private final class Run {
        private final Map<String, List<EventLine>> events = new LinkedHashMap<>();
        private final Map<String, List<CheckpointLine>> checkpoints = new LinkedHashMap<>();
        private final List<Problem> problems = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private long distinctEvents;
        private long duplicates;
        private long checkpointCount;
        private long signed;

        void read(Path file) throws IOException {
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                read(file.toString(), reader);
            }
        }

        void read(String name, BufferedReader reader) throws IOException {
            long number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (!line.isBlank()) {
                    readLine(new Location(name, number), line);
                }
            }
        }

        private void readLine(Location at, String line) {
            JsonNode tree;
            try {
                tree = AuditJson.readTree(line);
            } catch (AuditException e) {
                problem(at, null, "not a JSON object (damaged or cut-off line)");
                return;
            }
            if (Checkpoint.isCheckpoint(tree)) {
                try {
                    Checkpoint checkpoint = Checkpoint.fromTree(tree);
                    checkpoints.computeIfAbsent(checkpoint.stream(), s -> new ArrayList<>())
                            .add(new CheckpointLine(at, checkpoint));
                    checkpointCount++;
                } catch (AuditException e) {
                    problem(at, null, "malformed checkpoint: " + e.getMessage());
                }
                return;
            }
            JsonNode chain = tree.path("chain");
            if (!chain.path("stream").isTextual() || !chain.path("seq").canConvertToLong()
                    || !chain.path("prev").isTextual() || !chain.path("hash").isTextual()) {
                problem(at, null, "event without a complete chain (stream, seq, prev, hash): not written by"
                        + " the dispatcher, or inserted");
                return;
            }
            String stream = chain.get("stream").textValue();
            String hash = chain.get("hash").textValue();
            events.computeIfAbsent(stream, s -> new ArrayList<>()).add(new EventLine(at, tree.path("id").asText(null),
                    chain.get("seq").longValue(), chain.get("prev").textValue(), hash, hash.equals(HashChain.hashOf(tree))));
        }

        VerificationResult finish(List<String> files) {
            Set<String> knownHeads = new HashSet<>();
            events.values().forEach(list -> list.forEach(e -> knownHeads.add(e.hash())));
            Set<String> streams = new HashSet<>(events.keySet());
            streams.addAll(checkpoints.keySet());
            for (String stream : streams) {
                Map<Long, EventLine> bySeq = verifyChain(stream, events.getOrDefault(stream, List.of()), knownHeads);
                verifyCheckpoints(stream, bySeq, checkpoints.getOrDefault(stream, List.of()));
            }
            problems.sort(Comparator.comparingInt((Problem p) -> files.indexOf(p.file())).thenComparingLong(Problem::line));
            return new VerificationResult(files, distinctEvents, duplicates, streams.size(), checkpointCount, signed,
                    problems, warnings);
        }

        private Map<Long, EventLine> verifyChain(String stream, List<EventLine> lines, Set<String> knownHeads) {
            Map<Long, EventLine> bySeq = new HashMap<>();
            NavigableSet<Long> present = new TreeSet<>();
            lines.forEach(e -> present.add(e.seq()));
            long expected = 1;
            for (EventLine each : lines) {
                EventLine earlier = bySeq.get(each.seq());
                if (earlier != null) {
                    if (earlier.hash().equals(each.hash()) && each.hashMatches()
                            && earlier.prev().equals(each.prev()) && Objects.equals(earlier.id(), each.id())) {
                        duplicates++;
                    } else {
                        problem(each.at(), stream, "seq " + each.seq() + " appears twice with different content (first at "
                                + earlier.at().file() + ":" + earlier.at().line() + "): an event was inserted or replaced");
                    }
                    continue;
                }
                distinctEvents++;
                bySeq.put(each.seq(), each);
                if (!each.hashMatches()) {
                    problem(each.at(), stream, "event seq " + each.seq() + " does not match its hash: its content was changed");
                }
                if (each.seq() > expected) {
                    Long skipped = present.ceiling(expected);
                    boolean later = skipped != null && skipped < each.seq();
                    problem(each.at(), stream, later
                            ? "seq " + each.seq() + " comes before seq " + expected + ": events were reordered"
                            : "seq jumps from " + (expected - 1) + " to " + each.seq() + ": " + (each.seq() - expected)
                            + " event(s) deleted before this line");
                } else if (each.seq() < expected) {
                    problem(each.at(), stream, "seq " + each.seq() + " comes after seq " + (expected - 1)
                            + ": events were reordered");
                }
                EventLine before = bySeq.get(each.seq() - 1);
                if (each.seq() == 1) {
                    checkStreamStart(stream, each, knownHeads);
                } else if (before != null && !each.prev().equals(before.hash())) {
                    problem(each.at(), stream, "prev of seq " + each.seq() + " is not the hash of seq " + (each.seq() - 1)
                            + " at " + before.at().file() + ":" + before.at().line()
                            + ": an event was inserted, replaced or changed here");
                }
                expected = Math.max(expected, each.seq() + 1);
            }
            if (!lines.isEmpty() && !present.contains(1L)) {
                EventLine first = lines.get(0);
                problem(first.at(), stream, "stream starts at seq " + first.seq() + ": its first events were deleted");
            }
            return bySeq;
        }

        private void checkStreamStart(String stream, EventLine first, Set<String> knownHeads) {
            if (first.prev().equals(HashChain.GENESIS)) {
                return;
            }
            boolean linked = knownHeads.contains(first.prev())
                    || checkpoints.values().stream().flatMap(List::stream)
                    .anyMatch(c -> !c.checkpoint().stream().equals(stream) && c.checkpoint().head().equals(first.prev()));
            if (!linked) {
                problem(first.at(), stream, "stream continues from head " + first.prev()
                        + " which is in none of the verified files: an earlier stream is missing (deleted, or not given)");
            }
        }

        private void verifyCheckpoints(String stream, Map<Long, EventLine> bySeq, List<CheckpointLine> lines) {
            long lastEvent = bySeq.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
            long lastCheckpoint = 0;
            for (CheckpointLine each : lines) {
                Checkpoint checkpoint = each.checkpoint();
                lastCheckpoint = Math.max(lastCheckpoint, checkpoint.seq());
                verifySignature(each);
                EventLine event = bySeq.get(checkpoint.seq());
                if (event == null) {
                    problem(each.at(), stream, checkpoint.seq() > lastEvent
                            ? "checkpoint at seq " + checkpoint.seq() + " but the stream ends at seq " + lastEvent
                            + ": events were truncated"
                            : "checkpoint at seq " + checkpoint.seq() + " but that event is missing: it was deleted");
                } else if (!event.hash().equals(checkpoint.head())) {
                    problem(each.at(), stream, "checkpoint head for seq " + checkpoint.seq() + " does not match the event at "
                            + event.at().file() + ":" + event.at().line() + ": events up to it were rewritten");
                }
            }
            if (lastEvent > lastCheckpoint) {
                warnings.add("stream " + stream + ": events after seq " + lastCheckpoint + " (up to " + lastEvent
                        + ") are not covered by a checkpoint; the writer did not close cleanly, or the tail was cut");
            }
        }

        private void verifySignature(CheckpointLine line) {
            if (trusted.isEmpty()) {
                return;
            }
            trusted.problemWith(line.checkpoint()).ifPresentOrElse(
                    reason -> problem(line.at(), line.checkpoint().stream(), reason), () -> signed++);
        }

        private void problem(Location at, String stream, String reason) {
            problems.add(new Problem(at.file(), at.line(), stream, reason));
        }
    }
}
