package dev.governed.audit.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditJson;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/**
 * One OCSF 1.3.0 event per line. {@code sql} actions become Datastore Activity (class 6005: select
 * → Query, insert → Create, update/merge → Update, delete/truncate/drop → Delete, else Other);
 * {@code http} actions become API Activity (class 6003: POST → Create, GET/HEAD → Read,
 * PUT/PATCH → Update, DELETE → Delete, else Other). The policy decision is in
 * {@code actor.authorizations} and {@code disposition}; fields OCSF has no place for (environment,
 * masking, the chain position, the delegation chain, the session recording) are under {@code unmapped}.
 *
 * <p>Session recording: OCSF 1.3's Query Information object holds the query text, not its bound values or a digest
 * of its result, so {@code unmapped.parameters} lists each parameter's type and the SHA-256 of its text (never the
 * text; none for a parameter the policy withheld), {@code unmapped.batch} a batch's {@code sets} and its recorded
 * parameter sets in that form, and {@code unmapped.result} the result summary ({@code event}, {@code complete},
 * {@code digest}, {@code unordered_digest}, {@code masked}).
 *
 * <p>Delegation (RFC 8693): OCSF 1.3 has no "on behalf of" attribute, neither in these classes (no
 * top-level {@code user}) nor in the Actor object, whose {@code invoked_by} is deprecated since 1.2 in
 * favour of {@code app_name}/{@code app_uid}. The Actor object defines {@code user} as "the user that
 * initiated the activity or the user context from which the activity was initiated" and
 * {@code app_name}/{@code app_uid} as "the client application or service that initiated the activity
 * ... in conjunction with the user". An agent acting for a user is that pair, so a delegated event maps
 * the represented user to {@code actor.user} (with the token's groups, which describe that user) and the
 * acting party to {@code actor.app_uid}/{@code app_name}; {@code unmapped.on_behalf_of} and
 * {@code unmapped.delegation} repeat them with the whole chain. Without delegation {@code actor.user} is
 * the subject, as always.
 */
final class OcsfFormat implements EventFormat {

    static final String VERSION = "1.3.0";

    @Override
    public void write(AuditEvent e, String json, Writer out) throws IOException {
        boolean http = e.action() != null && "http".equalsIgnoreCase(e.action().kind());
        ObjectNode o = AuditJson.mapper().createObjectNode();
        Activity activity = http ? httpActivity(e) : sqlActivity(e);
        int classUid = http ? 6003 : 6005;
        o.put("class_uid", classUid);
        o.put("class_name", http ? "API Activity" : "Datastore Activity");
        o.put("category_uid", 6);
        o.put("category_name", "Application Activity");
        o.put("activity_id", activity.id());
        o.put("activity_name", activity.name());
        o.put("type_uid", classUid * 100L + activity.id());
        o.put("type_name", (http ? "API Activity: " : "Datastore Activity: ") + activity.name());
        if (e.time() != null) {
            o.put("time", e.time().toEpochMilli());
            o.put("time_dt", AuditJson.formatTime(e.time()));
        }
        decision(e, o);
        o.set("metadata", metadata(e));
        o.set("actor", actor(e));
        if (e.session() != null && e.session().connection() != null) {
            o.putObject("src_endpoint").put("uid", e.session().connection());
        }
        if (e.resource() != null && e.resource().target() != null) {
            o.putObject("dst_endpoint").put("name", e.resource().target());
        }
        if (http) {
            api(e, o);
        } else {
            datastore(e, o);
        }
        o.set("unmapped", unmapped(e));
        out.write(AuditJson.write(o));
        out.write('\n');
    }

    private record Activity(int id, String name) {}

    private static Activity sqlActivity(AuditEvent e) {
        String operation = e.action() == null || e.action().operation() == null ? ""
                : e.action().operation().toLowerCase(Locale.ROOT);
        return switch (operation) {
            case "select" -> new Activity(4, "Query");
            case "insert" -> new Activity(6, "Create");
            case "update", "merge", "upsert" -> new Activity(2, "Update");
            case "delete", "truncate", "drop" -> new Activity(7, "Delete");
            default -> new Activity(99, operation.isEmpty() ? "Other" : operation);
        };
    }

    private static Activity httpActivity(AuditEvent e) {
        String method = method(e);
        return switch (method) {
            case "POST" -> new Activity(1, "Create");
            case "GET", "HEAD" -> new Activity(2, "Read");
            case "PUT", "PATCH" -> new Activity(3, "Update");
            case "DELETE" -> new Activity(4, "Delete");
            default -> new Activity(99, method.isEmpty() ? "Other" : method);
        };
    }

    private static String method(AuditEvent e) {
        return e.action() == null || e.action().operation() == null ? "" : e.action().operation().toUpperCase(Locale.ROOT);
    }

    private static void decision(AuditEvent e, ObjectNode o) {
        String effect = e.decision() == null || e.decision().effect() == null ? "" : e.decision().effect();
        String status = e.outcome() == null || e.outcome().status() == null ? "" : e.outcome().status();
        boolean ok = status.equals("ok");
        o.put("status_id", ok ? 1 : status.isEmpty() ? 0 : 2);
        o.put("status", ok ? "Success" : status.isEmpty() ? "Unknown" : "Failure");
        if (e.outcome() != null && e.outcome().error() != null) {
            o.put("status_detail", e.outcome().error());
        } else if (!ok && e.decision() != null && e.decision().reason() != null) {
            o.put("status_detail", e.decision().reason());
        }
        switch (effect) {
            case "allow" -> o.put("disposition_id", 1).put("disposition", "Allowed");
            case "deny" -> o.put("disposition_id", 2).put("disposition", "Blocked");
            case "approve" -> o.put("disposition_id", ok ? 8 : 99).put("disposition", ok ? "Approved" : "Approval pending");
            default -> o.put("disposition_id", 0).put("disposition", "Unknown");
        }
        o.put("severity_id", effect.equals("deny") ? 3 : ok ? 1 : 2);
        o.put("severity", effect.equals("deny") ? "Medium" : ok ? "Informational" : "Low");
        if (e.outcome() != null) {
            o.put("duration", e.outcome().durationMicros() / 1000);
        }
        o.put("message", (e.action() == null ? "" : e.action().operation() + " on "
                + (e.resource() == null ? "?" : e.resource().name()) + ": ") + effect
                + (e.decision() != null && e.decision().rule() != null ? " by rule " + e.decision().rule() : ""));
    }

    private static ObjectNode metadata(AuditEvent e) {
        ObjectNode metadata = AuditJson.mapper().createObjectNode();
        metadata.put("version", VERSION);
        metadata.put("uid", e.id());
        metadata.put("log_name", "governed-audit");
        metadata.putObject("product").put("name", "Governed").put("vendor_name", "Governed");
        if (e.session() != null && e.session().id() != null) {
            metadata.put("correlation_uid", e.session().id());
        }
        return metadata;
    }

    private static ObjectNode actor(AuditEvent e) {
        ObjectNode actor = AuditJson.mapper().createObjectNode();
        if (e.actor() != null) {
            String onBehalfOf = e.actor().onBehalfOf();
            String userName = onBehalfOf != null ? onBehalfOf : e.actor().subject();
            if (onBehalfOf != null && e.actor().subject() != null) {
                actor.put("app_name", e.actor().subject());
                actor.put("app_uid", e.actor().subject());
            }
            ObjectNode user = actor.putObject("user");
            user.put("name", userName);
            user.put("uid", userName);
            ArrayNode groups = user.putArray("groups");
            e.actor().groups().forEach(g -> groups.addObject().put("name", g));
            if (e.actor().issuer() != null) {
                user.put("domain", e.actor().issuer());
            }
        }
        if (e.session() != null && e.session().id() != null) {
            ObjectNode session = actor.putObject("session").put("uid", e.session().id());
            if (e.actor() != null && e.actor().issuer() != null) {
                session.put("issuer", e.actor().issuer());
            }
        }
        if (e.decision() != null) {
            ObjectNode authorization = actor.putArray("authorizations").addObject();
            authorization.put("decision", e.decision().effect());
            ObjectNode policy = authorization.putObject("policy");
            policy.put("uid", e.decision().rule());
            policy.put("name", e.decision().rule());
            if (e.decision().policyVersion() != null) {
                policy.put("version", e.decision().policyVersion().toString());
            }
            if (e.decision().reason() != null) {
                policy.put("desc", e.decision().reason());
            }
        }
        return actor;
    }

    private static void datastore(AuditEvent e, ObjectNode o) {
        if (e.resource() != null) {
            o.putObject("database").put("name", e.resource().name());
        }
        boolean table = e.action() != null && !e.action().tables().isEmpty();
        o.put("type_id", table ? 3 : 1);
        o.put("type", table ? "Table" : "Database");
        if (table) {
            o.putObject("table").put("name", e.action().tables().get(0));
        }
        if (e.action() != null) {
            ObjectNode query = o.putObject("query_info");
            query.put("query_string", e.action().statement());
            query.put("uid", e.action().fingerprint());
        }
    }

    private static void api(AuditEvent e, ObjectNode o) {
        ObjectNode api = o.putObject("api");
        api.put("operation", method(e) + (e.action() == null || e.action().statement() == null ? "" : " " + e.action().statement()));
        if (e.resource() != null) {
            api.putObject("service").put("name", e.resource().name());
            o.putArray("resources").addObject().put("name", e.resource().name()).put("type", "api");
        }
        ObjectNode request = o.putObject("http_request");
        request.put("http_method", method(e));
        if (e.action() != null && e.action().statement() != null) {
            request.putObject("url").put("path", e.action().statement());
        }
    }

    private static ObjectNode unmapped(AuditEvent e) {
        ObjectNode unmapped = AuditJson.mapper().createObjectNode();
        if (e.resource() != null) {
            unmapped.put("environment", e.resource().environment());
        }
        if (e.actor() != null) {
            unmapped.put("on_behalf_of", e.actor().onBehalfOf());
            unmapped.put("token_id", e.actor().tokenId());
            if (!e.actor().delegation().isEmpty()) {
                unmapped.put("actor_subject", e.actor().subject());
                ArrayNode delegation = unmapped.putArray("delegation");
                e.actor().delegation().forEach(delegation::add);
            }
        }
        if (e.action() != null) {
            ArrayNode tables = unmapped.putArray("tables");
            e.action().tables().forEach(tables::add);
            if (!e.action().parameters().isEmpty()) {
                unmapped.set("parameters", RecordedParts.json(e.action().parameters()));
            }
            if (e.action().batch() != null) {
                unmapped.set("batch", RecordedParts.json(e.action().batch()));
            }
        }
        if (e.decision() != null) {
            unmapped.put("approval", e.decision().approval());
        }
        if (e.outcome() != null) {
            unmapped.put("outcome", e.outcome().status());
            if (e.outcome().rows() != null) {
                unmapped.put("rows", e.outcome().rows());
            }
            if (e.outcome().result() != null) {
                unmapped.set("result", RecordedParts.json(e.outcome().result()));
            }
        }
        ArrayNode masking = unmapped.putArray("masking");
        e.masking().forEach(m -> masking.addObject().put("column", m.column()).put("strategy", m.strategy())
                .put("values", m.values()));
        if (e.chain() != null) {
            unmapped.putObject("chain").put("stream", e.chain().stream()).put("seq", e.chain().seq())
                    .put("hash", e.chain().hash());
        }
        return unmapped;
    }
}
