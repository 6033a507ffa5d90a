package dev.governed.audit.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditJson;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OCSF puts the represented user in actor.user and the acting agent in actor.app_uid/app_name. */
class OcsfDelegationTest {

    private static JsonNode ocsf(AuditEvent.Actor actor) throws IOException {
        AuditEvent event = new AuditEvent("e1", Instant.parse("2026-11-22T01:02:03Z"), null, actor,
                new AuditEvent.Session("s1", "c1"), new AuditEvent.Resource("orders-db", "jdbc", "h2:mem:x", "prod"),
                new AuditEvent.Action("sql", "select", "SELECT 1", "f", List.of("public.orders")),
                new AuditEvent.DecisionInfo("allow", "r", "ok", 1L, null), List.of(), new AuditEvent.Outcome("ok", 1L, 5, null));
        StringWriter out = new StringWriter();
        new OcsfFormat().write(event, AuditJson.toJson(event), out);
        return AuditJson.readTree(out.toString());
    }

    @Test
    void delegatedEventMapsTheUserToActorUserAndTheAgentToTheApplication() throws IOException {
        JsonNode o = ocsf(new AuditEvent.Actor("agent:billing", List.of("support-agents"), "https://idp", "j", "alice",
                List.of("agent:billing", "orchestrator")));

        assertThat(o.at("/actor/user/uid").asText()).isEqualTo("alice");
        assertThat(o.at("/actor/user/name").asText()).isEqualTo("alice");
        assertThat(o.at("/actor/user/groups/0/name").asText()).isEqualTo("support-agents");
        assertThat(o.at("/actor/app_uid").asText()).isEqualTo("agent:billing");
        assertThat(o.at("/actor/app_name").asText()).isEqualTo("agent:billing");
        assertThat(o.at("/actor").has("invoked_by")).as("deprecated since OCSF 1.2").isFalse();
        assertThat(o.has("user")).as("not an attribute of Datastore Activity").isFalse();
        assertThat(o.at("/unmapped/on_behalf_of").asText()).isEqualTo("alice");
        assertThat(o.at("/unmapped/actor_subject").asText()).isEqualTo("agent:billing");
        assertThat(o.at("/unmapped/delegation").toString()).isEqualTo("[\"agent:billing\",\"orchestrator\"]");
    }

    @Test
    void plainEventKeepsTheSubjectAsActorUserAndNoApplication() throws IOException {
        JsonNode o = ocsf(new AuditEvent.Actor("agent:billing", List.of("support-agents"), "https://idp", "j", null));

        assertThat(o.at("/actor/user/uid").asText()).isEqualTo("agent:billing");
        assertThat(o.at("/actor").has("app_uid")).isFalse();
        assertThat(o.at("/unmapped").has("delegation")).isFalse();
    }
}
