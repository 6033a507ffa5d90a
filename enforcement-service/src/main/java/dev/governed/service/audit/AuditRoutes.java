package dev.governed.service.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.service.ServiceConfig;
import dev.governed.service.auth.Authenticator;
import dev.governed.service.auth.Principal;
import dev.governed.service.auth.Role;
import dev.governed.service.web.ApiException;
import dev.governed.service.web.Bodies;
import dev.governed.service.web.Json;
import dev.governed.service.web.Responses;
import dev.governed.service.web.RouteTable;
import io.javalin.http.Context;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /v1/audit}: batched ingest from agents, query, export and chain status for auditors. */
public final class AuditRoutes {
    private static final Set<String> JSON_LINES = Set.of("application/x-ndjson", "application/jsonl", "application/x-jsonlines");
    private static final Set<String> INGEST_TYPES = Set.of("application/json", "application/x-ndjson", "application/jsonl",
            "application/x-jsonlines");
    private static final int MAX_PAGE = 1000;
    /** received_by of uploaded events; the service's own events carry "service:<instance>". */
    static final String UPLOADER_PREFIX = "upload:";

    private final AuditStore store;
    private final Authenticator auth;
    private final ServiceConfig config;

    private final CheckpointSignatures signatures;

    public AuditRoutes(AuditStore store, CheckpointSignatures signatures, Authenticator auth, ServiceConfig config) {
        this.store = store;
        this.signatures = signatures;
        this.auth = auth;
        this.config = config;
    }

    public void register(RouteTable routes) {
        routes.post("/v1/audit/events", this::ingest)
                .get("/v1/audit/events", this::query)
                .get("/v1/audit/export", this::export)
                .get("/v1/audit/streams", this::streams)
                .get("/v1/audit/streams/{stream}", this::stream)
                .get("/v1/audit/keys", this::keys)
                .post("/v1/audit/witness", this::witness)
                .get("/v1/audit/witness", this::witnessed);
    }

    private void ingest(Context ctx) {
        Principal caller = auth.require(ctx, Role.AGENT, Role.ADMIN);
        String text = Bodies.text(ctx, INGEST_TYPES, config.maxAuditBodyBytes());
        boolean lines = JSON_LINES.contains(Bodies.mediaType(ctx.header("Content-Type")));
        AuditBatchParser.Batch batch = AuditBatchParser.parse(text, lines, config.maxAuditBatch());
        for (IncomingEvent each : batch.events()) {
            if (each.event().action() != null && "admin".equals(each.event().action().kind())) {
                throw ApiException.badRequest("event " + each.event().id() + " is an admin event; those are written by the service itself, "
                        + "never uploaded");
            }
        }
        String uploader = UPLOADER_PREFIX + caller.subject();
        java.util.Set<String> streams = new java.util.TreeSet<>();
        batch.events().stream().filter(e -> e.event().chain() != null).forEach(e -> streams.add(e.event().chain().stream()));
        batch.checkpoints().forEach(c -> streams.add(c.stream()));
        List<String> foreign = store.streamsOwnedByOthers(streams, uploader);
        if (!foreign.isEmpty()) {
            throw ApiException.forbidden("stream(s) " + foreign + " hold events uploaded by another identity; '" + caller.subject()
                    + "' may only add to streams it writes");
        }
        List<AuditStore.CheckedCheckpoint> checkpoints = batch.checkpoints().stream()
                .map(c -> new AuditStore.CheckedCheckpoint(c, signatures.check(c))).toList();
        IngestResult result = store.ingest(batch.events(), checkpoints, uploader);
        witnessAll(batch, checkpoints, uploader);
        ObjectNode body = Json.mapper().valueToTree(result);
        Responses.json(ctx, result.conflicts().isEmpty() ? 200 : 409, body);
    }

    // uploaded checkpoints reach the witness too; a fork shows in the stream's chain status, the upload still counts
    private void witnessAll(AuditBatchParser.Batch batch, List<AuditStore.CheckedCheckpoint> checkpoints, String uploader) {
        Map<String, String> origins = new java.util.HashMap<>();
        batch.events().stream().map(IncomingEvent::event).filter(e -> e.chain() != null && e.chain().seq() == 1)
                .forEach(e -> origins.put(e.chain().stream(), e.chain().prev()));
        for (AuditStore.CheckedCheckpoint each : checkpoints) {
            try {
                store.witness().witness(each.checkpoint(), origins.get(each.checkpoint().stream()), each.signature(), uploader);
            } catch (ApiException fork) {
                // refused by the witness: recorded for the stream's owner only, or a fork the chain status reports
            }
        }
    }

    private void keys(Context ctx) {
        ctx.header("Cache-Control", "public, max-age=300");
        Responses.json(ctx, Json.mapper().valueToTree(signatures.publicKeys().toJSONObject(true)));
    }

    private void witness(Context ctx) {
        Principal caller = auth.require(ctx, Role.AGENT, Role.ADMIN);
        var body = Json.readTree(Bodies.text(ctx, Set.of("application/json"), config.maxBodyBytes()), "witness request");
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.fromTree(body.path("checkpoint"));
        } catch (RuntimeException e) {
            throw ApiException.badRequest("the body needs 'checkpoint': a checkpoint line as the audit writer signs it ("
                    + e.getMessage() + ")");
        }
        JsonNode origin = body.path("origin");
        if (!origin.isMissingNode() && !origin.isNull() && !(origin.isTextual() && origin.textValue().matches("[0-9a-f]{64}"))) {
            throw ApiException.badRequest("'origin' must be the 64-hex-digit prev of the stream's seq 1, or null");
        }
        String signature = signatures.check(checkpoint);
        if (CheckpointSignatures.INVALID.equals(signature)) {
            throw ApiException.badRequest("the checkpoint's signature is invalid; the witness keeps only what its writer signed");
        }
        boolean moved = store.witness().witness(checkpoint, origin.isTextual() ? origin.textValue() : null, signature,
                UPLOADER_PREFIX + caller.subject());
        ObjectNode result = Json.object().put("stream", checkpoint.stream()).put("seq", checkpoint.seq()).put("moved", moved)
                .put("signature", signature);
        Responses.json(ctx, result);
    }

    private void witnessed(Context ctx) {
        auth.require(ctx, Role.AUDITOR, Role.ADMIN);
        ObjectNode body = Json.object();
        ArrayNode heads = body.putArray("heads");
        store.witness().heads(ctx.queryParam("stream")).forEach(each -> heads.add(each.toJson()));
        Responses.json(ctx, body);
    }

    private void query(Context ctx) {
        auth.require(ctx, Role.AUDITOR, Role.ADMIN);
        AuditFilter filter = filter(ctx);
        long after = longParam(ctx, "after", 0);
        int limit = (int) Math.min(MAX_PAGE, Math.max(1, longParam(ctx, "limit", 100)));
        var page = store.query(filter, after, limit);
        ObjectNode body = Json.object();
        ArrayNode events = body.putArray("events");
        page.forEach(each -> events.add(AuditJson.readTree(each.body())));
        body.put("next", page.size() == limit ? String.valueOf(page.get(page.size() - 1).position()) : null);
        Responses.json(ctx, body);
    }

    private void export(Context ctx) {
        auth.require(ctx, Role.AUDITOR, Role.ADMIN);
        AuditExport export;
        try {
            export = AuditExport.of(ctx.queryParamAsClass("format", String.class).getOrDefault("json"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        AuditFilter filter = filter(ctx);
        try {
            // Streamed: the response is committed first so its type cannot be replaced afterwards.
            ctx.res().setStatus(200);
            ctx.res().setContentType(export.contentType() + "; charset=utf-8");
            ctx.res().flushBuffer();
            Writer out = new BufferedWriter(new OutputStreamWriter(ctx.res().getOutputStream(), StandardCharsets.UTF_8));
            // Whole streams with their checkpoints verify, signatures included, with `governed audit verify`.
            export.write(store, filter, export.carriesCheckpoints() && wholeStreams(filter), out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void streams(Context ctx) {
        auth.require(ctx, Role.AUDITOR, Role.ADMIN);
        ObjectNode body = Json.object();
        ArrayNode streams = body.putArray("streams");
        for (Map.Entry<String, Long> each : store.streams().entrySet()) {
            streams.addObject().put("stream", each.getKey()).put("events", each.getValue());
        }
        Responses.json(ctx, body);
    }

    private void stream(Context ctx) {
        auth.require(ctx, Role.AUDITOR, Role.ADMIN);
        ChainStatus status = store.status(ctx.pathParam("stream"));
        if (status.events() == 0) {
            long expired = store.expiredThrough(ctx.pathParam("stream"));
            if (expired > 0) {
                throw ApiException.notFound("every stored event of stream '" + ctx.pathParam("stream") + "' (up to seq " + expired
                        + ") expired under the retention rules; its records: GET /v1/audit/retention?stream=" + ctx.pathParam("stream"));
            }
            throw ApiException.notFound("no audit events of stream '" + ctx.pathParam("stream") + "' are stored");
        }
        Responses.json(ctx, status);
    }

    private static boolean wholeStreams(AuditFilter f) {
        return f.subject() == null && f.resource() == null && f.decision() == null && f.kind() == null && f.session() == null
                && f.from() == null && f.to() == null;
    }

    private static String approvalParam(Context ctx) {
        String value = ctx.queryParam("approval");
        if (value != null && !value.matches("[0-9A-Za-z-]{1,64}")) {
            throw ApiException.badRequest("query parameter approval='" + value + "' is not an approval id");
        }
        return value;
    }

    private static AuditFilter filter(Context ctx) {
        return new AuditFilter(ctx.queryParam("subject"), ctx.queryParam("resource"), ctx.queryParam("decision"),
                ctx.queryParam("stream"), ctx.queryParam("kind"), ctx.queryParam("session"), time(ctx, "from"), time(ctx, "to"),
                approvalParam(ctx));
    }

    private static Instant time(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("query parameter " + name + "='" + value + "' is not an ISO-8601 UTC time like 2026-11-22T01:02:03Z");
        }
    }

    static long longParam(Context ctx, String name, long defaultValue) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("query parameter " + name + "='" + value + "' is not a whole number");
        }
    }
}
