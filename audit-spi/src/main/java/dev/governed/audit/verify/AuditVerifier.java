package dev.governed.audit.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.HashChain;
import dev.governed.audit.chain.RetentionRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Verifies audit trails written by the dispatcher in one pass and constant memory: every event's hash over its
 * canonical JSON, the {@code seq}/{@code prev} links inside each stream, the link of a resumed stream to an
 * earlier one, every checkpoint (its head against the event at its seq, its JWS signature against the trusted
 * public keys) and, when given, the heads a witness saw. Each contradiction is a {@link Problem} at file:line
 * ({@link Verdict#TAMPERED}); a part that no trusted signature covers is {@link Unproven}
 * ({@link Verdict#NOT_PROVEN}) unless the user allowed that kind of gap.
 *
 * <p>Memory holds a fixed window of recent hashes per stream, not the events: a multi-gigabyte trail verifies
 * in a small heap. A checkpoint more than {@link StreamState#WINDOW} events after its event is checked in a
 * second pass over the files.
 */
public final class AuditVerifier {

    private static final int MAX_PROBLEMS = 1000;
    private static final HexFormat HEX = HexFormat.of();
    private static final int READ_BUFFER = 1 << 20;
    private static final int BATCH_LINES = 512;
    private static final int IN_FLIGHT = 8;

    private final TrustedKeys trusted;
    private final Set<Unproven.Allowance> allowances;
    private final Map<String, WitnessedHead> witness;

    private AuditVerifier(TrustedKeys trusted, Set<Unproven.Allowance> allowances, Map<String, WitnessedHead> witness) {
        this.trusted = trusted;
        this.allowances = allowances.isEmpty() ? Set.of() : Set.copyOf(allowances);
        this.witness = Map.copyOf(witness);
    }

    /** Checks chains and checkpoint heads but no signatures: the verdict is at best {@link Verdict#NOT_PROVEN}. */
    public static AuditVerifier withoutSignatures() {
        return new AuditVerifier(new TrustedKeys(Map.of()), Set.of(), Map.of());
    }

    /** Also checks every checkpoint's signature against these keys (by {@code kid}). */
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
        return new AuditVerifier(new TrustedKeys(byId), Set.of(), Map.of());
    }

    /** Reads trusted public keys from a JWK or JWK Set file. */
    public static AuditVerifier trusting(Path jwkOrJwkSetFile) {
        try {
            String text = Files.readString(jwkOrJwkSetFile, StandardCharsets.UTF_8);
            JsonNode tree = AuditJson.readTree(text);
            return trusting(tree.has("keys") ? JWKSet.parse(text) : new JWKSet(JWK.parse(text)));
        } catch (IOException e) {
            throw new AuditException("cannot read trusted audit keys from " + jwkOrJwkSetFile + " ("
                    + e.getClass().getSimpleName().replace("Exception", "") + "); give a readable JWK or JWK Set file", e);
        } catch (ParseException | AuditException e) {
            throw new AuditException("trusted audit keys in " + jwkOrJwkSetFile + " are not a JWK or JWK Set: "
                    + e.getMessage(), e);
        }
    }

    /** The same verifier, accepting these gaps as proven (development only: each is a way to forge a trail). */
    public AuditVerifier allowing(Collection<Unproven.Allowance> accepted) {
        Set<Unproven.Allowance> all = EnumSet.noneOf(Unproven.Allowance.class);
        all.addAll(allowances);
        all.addAll(accepted);
        return new AuditVerifier(trusted, all, witness);
    }

    /** The same verifier, also checking the trail against the latest heads a witness recorded per stream. */
    public AuditVerifier witnessedBy(Collection<WitnessedHead> heads) {
        Map<String, WitnessedHead> byStream = new LinkedHashMap<>(witness);
        heads.forEach(each -> byStream.put(each.checkpoint().stream(), each));
        return new AuditVerifier(trusted, allowances, byStream);
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
        Run run = new Run(files.stream().map(Path::toString).toList());
        try {
            for (int i = 0; i < files.size(); i++) {
                try (BufferedReader reader = open(files.get(i))) {
                    run.read(i, reader);
                }
            }
            if (!run.deferred.isEmpty()) {
                for (int i = 0; i < files.size(); i++) {
                    try (BufferedReader reader = open(files.get(i))) {
                        run.resolveDeferred(reader);
                    }
                }
            }
            return run.finish();
        } finally {
            run.close();
        }
    }

    private static BufferedReader open(Path file) throws IOException {
        return new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), READ_BUFFER);
    }

    /**
     * Verifies audit lines from any source, e.g. an export downloaded from the enforcement service;
     * {@code sourceName} stands for the file in problem locations. The reader is not closed.
     */
    public VerificationResult verify(String sourceName, Reader lines) throws IOException {
        Run run = new Run(List.of(sourceName));
        try {
            run.read(0, lines instanceof BufferedReader buffered ? buffered : new BufferedReader(lines, READ_BUFFER));
            return run.finish();
        } finally {
            run.close();
        }
    }

    /** A checkpoint whose event had left the window when it arrived: checked in a second pass. */
    private record Deferred(StreamState stream, Checkpoint checkpoint, StreamState.At at) {}

    private final class Run {
        private final List<String> files;
        private final Map<String, StreamState> streams = new LinkedHashMap<>();
        private final List<Problem> problems = new ArrayList<>();
        private final List<Unproven> unproven = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        /** Heads a later stream may resume from; the checkpoint heads are capped, the streams' ends are not needed here. */
        private final Set<String> checkpointHeads = new HashSet<>();
        private final Map<String, Map<Long, List<Deferred>>> deferred = new HashMap<>();
        private final LineParser localParser = new LineParser(trusted);
        private final ThreadLocal<LineParser> parsers = ThreadLocal.withInitial(() -> new LineParser(trusted));
        private final java.util.concurrent.ExecutorService workers;
        private long problemsLeftOut;
        private long duplicates;
        private long checkpointCount;
        private long signed;

        Run(List<String> files) {
            this.files = files;
            int threads = Math.min(4, Runtime.getRuntime().availableProcessors());
            this.workers = threads < 2 ? null : java.util.concurrent.Executors.newFixedThreadPool(threads, task -> {
                Thread thread = new Thread(task, "governed-audit-verify");
                thread.setDaemon(true);
                return thread;
            });
            witness.values().forEach(each -> {
                StreamState state = new StreamState(each.checkpoint().stream());
                state.witnessed = each.checkpoint();
                streams.put(state.id, state);
            });
        }

        /**
         * Reads lines in batches that worker threads parse and hash while this thread applies the results in file
         * order; at most {@code IN_FLIGHT} batches are in memory at once.
         */
        void close() {
            if (workers != null) {
                workers.shutdownNow();
            }
        }

        void read(int file, BufferedReader reader) throws IOException {
            java.util.ArrayDeque<java.util.concurrent.Future<LineParser.Parsed[]>> inFlight = new java.util.ArrayDeque<>();
            java.util.ArrayDeque<Long> firstLines = new java.util.ArrayDeque<>();
            long number = 0;
            boolean more = true;
            while (more || !inFlight.isEmpty()) {
                while (more && inFlight.size() < IN_FLIGHT) {
                    List<String> batch = new ArrayList<>(BATCH_LINES);
                    String line;
                    while (batch.size() < BATCH_LINES && (line = reader.readLine()) != null) {
                        batch.add(line);
                    }
                    if (batch.size() < BATCH_LINES) {
                        more = false;
                    }
                    if (batch.isEmpty()) {
                        break;
                    }
                    firstLines.add(number + 1);
                    number += batch.size();
                    inFlight.add(parse(batch));
                }
                if (inFlight.isEmpty()) {
                    break;
                }
                LineParser.Parsed[] parsed = await(inFlight.poll());
                long first = firstLines.poll();
                for (int i = 0; i < parsed.length; i++) {
                    if (parsed[i] != null) {
                        apply(new StreamState.At(file, first + i), parsed[i]);
                    }
                }
            }
        }

        private java.util.concurrent.Future<LineParser.Parsed[]> parse(List<String> batch) {
            if (workers == null) {
                return java.util.concurrent.CompletableFuture.completedFuture(parseAll(localParser, batch));
            }
            return workers.submit(() -> parseAll(parsers.get(), batch));
        }

        private LineParser.Parsed[] parseAll(LineParser parser, List<String> batch) {
            LineParser.Parsed[] result = new LineParser.Parsed[batch.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = parser.parse(batch.get(i));
            }
            return result;
        }

        private LineParser.Parsed[] await(java.util.concurrent.Future<LineParser.Parsed[]> future) throws IOException {
            try {
                return future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while verifying", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("verifying a line failed unexpectedly: " + e.getCause(), e.getCause());
            }
        }

        private void apply(StreamState.At at, LineParser.Parsed parsed) {
            if (parsed instanceof LineParser.Event event) {
                event(at, state(event.stream()), event.seq(), event.prev(), event.claimedHash(), event.hash());
            } else if (parsed instanceof LineParser.CheckpointLine line) {
                checkpoint(at, line.checkpoint(), line.check());
            } else if (parsed instanceof LineParser.RetentionLine retention) {
                retention(at, retention);
            } else if (parsed instanceof LineParser.Damaged damaged) {
                problem(at, null, damaged.reason());
            }
        }

        private StreamState state(String stream) {
            return streams.computeIfAbsent(stream, StreamState::new);
        }

        private void event(StreamState.At at, StreamState stream, long seq, String prev, String claimedHex, byte[] hash) {
            boolean hashMatches = claimedHex.length() == 64 && HEX.formatHex(hash).equals(claimedHex);
            if (seq <= stream.lastSeq) {
                laterThanExpected(at, stream, seq, hash, hashMatches);
                return;
            }
            stream.events++;
            if (!hashMatches) {
                problem(at, stream.id, "event seq " + seq + " does not match its hash: its content was changed");
            }
            if (seq > stream.lastSeq + 1) {
                if (stream.gaps.size() < StreamState.MAX_GAPS) {
                    stream.gaps.add(new StreamState.Gap(stream.lastSeq + 1, seq - 1, seq, at));
                } else {
                    problem(at, stream.id, "seq jumps from " + stream.lastSeq + " to " + seq + ": events deleted before this line");
                }
            } else if (seq == 1) {
                stream.origin = prev;
                stream.originAt = at;
                linkToEarlierStream(stream, prev);
            } else if (stream.expiredThrough > 0 && seq - 1 == stream.expiredThrough && !stream.expiredHash.equals(prev)) {
                problem(at, stream.id, "prev of seq " + seq + " is not the hash of the last expired event (seq " + (seq - 1)
                        + ") that the retention record at " + where(stream.at(seq - 1)) + " vouches for: the events were"
                        + " replaced or the record was altered");
            } else if (stream.knows(seq - 1) && !HEX.formatHex(stream.hashCopy(seq - 1)).equals(prev)) {
                problem(at, stream.id, "prev of seq " + seq + " is not the hash of seq " + (seq - 1) + " at "
                        + where(stream.at(seq - 1)) + ": an event was inserted, replaced or changed here");
            }
            witnessCheck(at, stream, seq, hash);
            stream.remember(seq, hash, at);
            stream.lastSeq = seq;
            stream.lastHash = hash;
            stream.lastAt = at;
            StreamState.PendingCheckpoint pending = stream.ahead.remove(seq);
            if (pending != null) {
                compareHead(stream, pending.checkpoint(), pending.at(), hash, at);
            }
        }

        // the event it resumes from is usually still in some stream's window; later files are searched at the end
        private void linkToEarlierStream(StreamState stream, String origin) {
            if (origin.equals(HashChain.GENESIS) || origin.length() != 64) {
                return;
            }
            byte[] wanted = HEX.parseHex(origin);
            for (StreamState each : streams.values()) {
                long seq = each == stream ? -1 : each.find(wanted);
                if (seq > 0) {
                    stream.resumedFrom = each;
                    stream.resumedFromSeq = seq;
                    return;
                }
            }
        }

        // an event whose seq was passed already: a duplicate delivery, a reordered event, or an inserted one
        private void laterThanExpected(StreamState.At at, StreamState stream, long seq, byte[] hash, boolean hashMatches) {
            if (stream.knows(seq)) {
                if (hashMatches && stream.hashEquals(seq, hash)) {
                    duplicates++;
                } else {
                    problem(at, stream.id, "seq " + seq + " appears twice with different content (first at "
                            + where(stream.at(seq)) + "): an event was inserted or replaced");
                }
                return;
            }
            StreamState.Gap gap = stream.fill(seq);
            if (gap != null) {
                stream.events++;
                problem(gap.at, stream.id, "seq " + gap.jumper + " comes before seq " + seq + ": events were reordered");
                if (!hashMatches) {
                    problem(at, stream.id, "event seq " + seq + " does not match its hash: its content was changed");
                }
                if (seq > stream.lastSeq - StreamState.WINDOW) {
                    stream.remember(seq, hash, at);
                }
                return;
            }
            problem(at, stream.id, "seq " + seq + " comes after seq " + stream.lastSeq
                    + (seq == stream.lastSeq ? "" : ": events were reordered") + ", or it was inserted");
        }

        private void witnessCheck(StreamState.At at, StreamState stream, long seq, byte[] hash) {
            if (stream.witnessed != null && stream.witnessed.seq() == seq) {
                stream.witnessMatched = true;
                if (!HEX.formatHex(hash).equals(stream.witnessed.head())) {
                    problem(at, stream.id, "event seq " + seq + " is not the head the witness recorded at "
                            + AuditJson.formatTime(stream.witnessed.time()) + ": the trail was rewritten after that checkpoint");
                }
            }
        }

        private void checkpoint(StreamState.At at, Checkpoint checkpoint, TrustedKeys.Check check) {
            checkpointCount++;
            StreamState stream = state(checkpoint.stream());
            Unproven.Reason weakness = switch (check.kind()) {
                case VALID -> null;
                case INVALID -> {
                    problem(at, stream.id, check.reason());
                    yield Unproven.Reason.UNTRUSTED_KEY;
                }
                case UNSIGNED -> Unproven.Reason.UNSIGNED;
                case UNTRUSTED -> Unproven.Reason.UNTRUSTED_KEY;
                case NOT_CHECKED -> Unproven.Reason.NO_KEYS;
            };
            if (weakness == null) {
                signed++;
            }
            stream.covered(checkpoint.seq(), weakness, check.reason());
            if (checkpointHeads.size() < 1_000_000) {
                checkpointHeads.add(checkpoint.head());
            }
            if (checkpoint.seq() > stream.lastSeq) {
                stream.ahead.put(checkpoint.seq(), new StreamState.PendingCheckpoint(checkpoint, at));
            } else if (stream.knows(checkpoint.seq())) {
                compareHead(stream, checkpoint, at, stream.hashCopy(checkpoint.seq()), stream.at(checkpoint.seq()));
            } else if (stream.gaps.stream().anyMatch(g -> checkpoint.seq() >= g.from && checkpoint.seq() <= g.to)) {
                problem(at, stream.id, "checkpoint at seq " + checkpoint.seq() + " but that event is missing: it was deleted");
            } else {
                deferred.computeIfAbsent(stream.id, s -> new HashMap<>())
                        .computeIfAbsent(checkpoint.seq(), s -> new ArrayList<>()).add(new Deferred(stream, checkpoint, at));
            }
        }

        /**
         * A retention record stands in for the events it removed: honoured only when it precedes the stream's remaining
         * events, continues from what came before it, carries the checkpoint of its last event and is not forged.
         */
        private void retention(StreamState.At at, LineParser.RetentionLine line) {
            RetentionRecord record = line.record();
            StreamState stream = state(record.stream());
            String range = "retention record for events " + record.first() + ".." + record.last();
            Checkpoint covering = record.checkpoint();
            if (line.check().kind() == TrustedKeys.Check.Kind.INVALID) {
                problem(at, stream.id, line.check().reason());
                return;
            }
            if (!covering.stream().equals(record.stream()) || covering.seq() != record.last()
                    || !covering.head().equals(record.lastHash()) || !record.lastHash().matches("[0-9a-f]{64}")) {
                problem(at, stream.id, range + " does not carry the checkpoint of its last event: it was altered");
                return;
            }
            if (line.checkpointCheck().kind() == TrustedKeys.Check.Kind.INVALID) {
                problem(at, stream.id, range + ": its " + line.checkpointCheck().reason());
                return;
            }
            if (stream.events > 0) {
                problem(at, stream.id, range + " comes after events of its stream; a record precedes the events that remain");
                return;
            }
            if (record.first() != stream.lastSeq + 1) {
                problem(at, stream.id, range + " does not continue from seq " + stream.lastSeq + ": events or records before it are missing");
                return;
            }
            if (stream.lastSeq > 0 && !HEX.formatHex(stream.lastHash).equals(record.prev())) {
                problem(at, stream.id, range + " does not link to the record before it: it was altered");
                return;
            }
            if (record.first() == 1) {
                stream.origin = record.prev();
                stream.originAt = at;
                linkToEarlierStream(stream, record.prev());
            }
            byte[] hash = HEX.parseHex(record.lastHash());
            stream.remember(record.last(), hash, at);
            stream.lastSeq = record.last();
            stream.lastHash = hash;
            stream.lastAt = at;
            stream.expiredThrough = record.last();
            stream.expiredHash = record.lastHash();
            Unproven.Reason weakness = weakness(line.check());
            stream.covered(record.last(), weakness, line.check().reason());
            if (checkpointHeads.size() < 1_000_000) {
                checkpointHeads.add(record.lastHash());
            }
            if (weakness != null) {
                // later checkpoints prove the chain from the record on, but not who removed the events before it, nor why
                unproven.add(new Unproven(weakness, stream.id, range + ": " + line.check().reason()));
            }
            notes.add("stream " + stream.id + ": events " + record.first() + ".." + record.last() + " expired "
                    + record.expiredAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " under rule " + record.rule());
        }

        private Unproven.Reason weakness(TrustedKeys.Check check) {
            return switch (check.kind()) {
                case VALID -> null;
                case INVALID, UNTRUSTED -> Unproven.Reason.UNTRUSTED_KEY;
                case UNSIGNED -> Unproven.Reason.UNSIGNED;
                case NOT_CHECKED -> Unproven.Reason.NO_KEYS;
            };
        }

        private void compareHead(StreamState stream, Checkpoint checkpoint, StreamState.At at, byte[] eventHash,
                StreamState.At eventAt) {
            if (!HEX.formatHex(eventHash).equals(checkpoint.head())) {
                problem(at, stream.id, "checkpoint head for seq " + checkpoint.seq() + " does not match the event at "
                        + where(eventAt) + ": events up to it were rewritten");
            }
        }

        void resolveDeferred(BufferedReader reader) throws IOException {
            long number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (line.isBlank() || line.contains("\"type\":\"checkpoint\"")) {
                    continue;
                }
                JsonNode tree;
                try {
                    tree = AuditJson.readTree(line);
                } catch (AuditException damaged) {
                    continue; // reported in the first pass
                }
                JsonNode chain = tree.path("chain");
                Map<Long, List<Deferred>> bySeq = deferred.get(chain.path("stream").asText(""));
                List<Deferred> waiting = bySeq == null ? null : bySeq.remove(chain.path("seq").asLong(-1));
                if (waiting != null) {
                    byte[] hash = localParser.hashOf(tree);
                    for (Deferred each : waiting) {
                        compareHead(each.stream(), each.checkpoint(), each.at(), hash, new StreamState.At(-1, number));
                    }
                }
            }
        }

        VerificationResult finish() {
            close();
            deferred.values().forEach(bySeq -> bySeq.values().forEach(list -> list.forEach(each -> problem(each.at(),
                    each.stream().id, "checkpoint at seq " + each.checkpoint().seq() + " but that event is missing: it was deleted"))));
            Map<String, StreamState> byEnd = new HashMap<>();
            for (StreamState each : streams.values()) {
                if (each.lastHash != null) {
                    byEnd.put(HEX.formatHex(each.lastHash), each);
                }
            }
            Map<StreamState, StreamState> successor = new HashMap<>();
            for (StreamState each : streams.values()) {
                if (each.events == 0 && each.lastCheckpointSeq == 0) {
                    continue; // known only to the witness
                }
                finishGaps(each);
                each.ahead.values().forEach(pending -> problem(pending.at(), each.id, "checkpoint at seq "
                        + pending.checkpoint().seq() + " but the stream ends at seq " + each.lastSeq + ": events were truncated"));
                if (each.origin != null && !each.origin.equals(HashChain.GENESIS)) {
                    StreamState predecessor = byEnd.get(each.origin);
                    if (predecessor != null && predecessor != each) {
                        successor.put(predecessor, each);
                    } else if (each.resumedFrom == null && !checkpointHeads.contains(each.origin)) {
                        problem(each.originAt, each.id, "stream continues from head " + each.origin
                                + " which is in none of the verified files: an earlier stream is missing"
                                + " (deleted, or not given), or its tail was cut");
                    }
                }
            }
            for (StreamState each : streams.values()) {
                if (each.events > 0 || each.lastCheckpointSeq > 0) {
                    coverage(each, successor);
                }
                witnessFinish(each, successor);
            }
            if (streams.values().stream().allMatch(s -> s.events == 0 && s.expiredThrough == 0)) {
                unproven.add(new Unproven(Unproven.Reason.EMPTY, null, "the trail holds no events"));
            }
            problems.sort(java.util.Comparator.comparingInt((Problem p) -> files.indexOf(p.file()))
                    .thenComparingLong(Problem::line));
            if (problemsLeftOut > 0) {
                warnings.add(problemsLeftOut + " further problem(s) left out; the first " + MAX_PROBLEMS + " are listed");
            }
            long events = streams.values().stream().mapToLong(s -> s.events).sum();
            int streamCount = (int) streams.values().stream().filter(s -> s.events > 0 || s.lastCheckpointSeq > 0).count();
            return new VerificationResult(files, events, duplicates, streamCount, checkpointCount, signed, problems,
                    warnings, unproven, notes, allowances);
        }

        private void finishGaps(StreamState stream) {
            for (StreamState.Gap gap : stream.gaps) {
                problem(gap.at, stream.id, gap.from == 1
                        ? "stream starts at seq " + gap.jumper + ": its first events were deleted"
                        : "seq jumps from " + (gap.from - 1) + " to " + gap.jumper + ": " + (gap.to - gap.from + 1)
                        + " event(s) deleted before this line");
            }
        }

        /** Whether every event of {@code stream} from {@code seq} on is covered by a trusted checkpoint. */
        private boolean provenFrom(StreamState stream, long seq, Map<StreamState, StreamState> successor, int depth) {
            if (stream.lastTrustedSeq >= Math.max(seq, stream.lastSeq)) {
                return true;
            }
            StreamState next = successor.get(stream);
            return next != null && depth < 10_000 && provenFrom(next, 1, successor, depth + 1);
        }

        private void coverage(StreamState stream, Map<StreamState, StreamState> successor) {
            if (provenFrom(stream, stream.lastTrustedSeq + 1, successor, 0)) {
                StreamState next = successor.get(stream);
                if (next != null && stream.lastCheckpointSeq < stream.lastSeq) {
                    notes.add("stream " + stream.id + " stopped at seq " + stream.lastSeq + " without a checkpoint after seq "
                            + stream.lastCheckpointSeq + " (the writer crashed), then resumed as stream " + next.id
                            + ", whose signed checkpoints cover that tail");
                }
                return;
            }
            StreamState next = successor.get(stream);
            if (stream.lastCheckpointSeq > stream.lastTrustedSeq) {
                unproven.add(new Unproven(stream.weakReason, stream.id, "events " + (stream.lastTrustedSeq + 1) + ".."
                        + Math.min(stream.lastSeq, stream.lastCheckpointSeq) + " are covered only by a checkpoint that proves nothing: "
                        + stream.weakDetail));
            }
            if (stream.lastSeq > stream.lastCheckpointSeq) {
                if (next != null) {
                    notes.add("stream " + stream.id + " stopped at seq " + stream.lastSeq + " without a checkpoint (the writer"
                            + " crashed), then resumed as stream " + next.id);
                } else {
                    unproven.add(new Unproven(Unproven.Reason.OPEN_TAIL, stream.id, "events after seq "
                            + stream.lastCheckpointSeq + " (up to " + stream.lastSeq + ") are not covered by a checkpoint:"
                            + " the writer is still running or did not close cleanly, or the tail was cut"));
                }
            }
        }

        private void witnessFinish(StreamState stream, Map<StreamState, StreamState> successor) {
            if (stream.witnessed == null) {
                return;
            }
            Checkpoint seen = stream.witnessed;
            String when = AuditJson.formatTime(seen.time());
            if (stream.expiredThrough >= seen.seq()) {
                if (stream.expiredThrough == seen.seq() && !stream.expiredHash.equals(seen.head())) {
                    problem(stream.lastAt, stream.id, "the witness saw head " + seen.head() + " at seq " + seen.seq() + " at " + when
                            + " but the retention record vouches for another: the expired events were rewritten");
                }
                return;
            }
            if (stream.events == 0) {
                StreamState resumed = streams.values().stream()
                        .filter(s -> s.lastHash != null && witness.get(stream.id).origin() != null
                                && witness.get(stream.id).origin().equals(HEX.formatHex(s.lastHash)))
                        .findFirst().orElse(null);
                if (resumed != null) {
                    problem(resumed.lastAt, stream.id, "the witness saw stream " + stream.id + ", which resumed stream "
                            + resumed.id + " of this trail, reach seq " + seen.seq() + " at " + when
                            + ", but the trail has none of it: the trail was cut");
                }
                return;
            }
            if (!stream.witnessMatched) {
                problem(stream.lastAt, stream.id, "the witness saw seq " + seen.seq() + " (head " + seen.head() + ") at " + when
                        + " but the trail ends at seq " + stream.lastSeq + ": the trail was cut after that checkpoint");
            }
        }

        private String where(StreamState.At at) {
            return at.file() < 0 ? "line " + at.line() : files.get(at.file()) + ":" + at.line();
        }

        private void problem(StreamState.At at, String stream, String reason) {
            if (problems.size() >= MAX_PROBLEMS) {
                problemsLeftOut++;
                return;
            }
            problems.add(new Problem(at == null || at.file() < 0 ? files.get(0) : files.get(at.file()),
                    at == null ? 0 : at.line(), stream, reason));
        }
    }
}
