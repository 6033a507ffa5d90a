package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.audit.recording.RowDigest;
import java.nio.file.Files;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Events record what a replay needs: bound parameters (never a masked one in the clear) and result digests. */
class SessionRecordingTest {

    private static final String POINT = "SELECT id, name FROM customers WHERE id = ? AND name = ?";

    @Test
    void boundParametersAreRecordedInOrderAsValuesByDefault() throws Exception {
        JsonNode event = pointSelect(null).get(0);

        assertThat(event.at("/action/parameters").toString()).isEqualTo(
                "[{\"sha256\":null,\"type\":\"integer\",\"value\":\"1\"},{\"sha256\":null,\"type\":\"string\",\"value\":\"Ada\"}]");
    }

    @Test
    void digestModeKeepsTheSha256OfEachValueOnly() throws Exception {
        JsonNode parameters = pointSelect("digest").get(0).at("/action/parameters");

        assertThat(parameters.get(0).get("value").isNull()).isTrue();
        assertThat(parameters.get(0).get("sha256").asText()).isEqualTo(sha256("1"));
        assertThat(parameters.get(1).get("sha256").asText()).isEqualTo(sha256("Ada"));
        assertThat(parameters.toString()).doesNotContain("Ada");
    }

    @Test
    void noneModeRecordsNoParametersAndTheEventKeepsItsOldShape() throws Exception {
        JsonNode event = pointSelect("none").get(0);

        assertThat(event.at("/action").has("parameters")).isFalse();
        assertThat(event.at("/outcome").has("result")).isFalse();
    }

    @Test
    void aParameterComparedWithAMaskedColumnIsNeverRecordedInTheClear() throws Exception {
        try (MaskingFixture fixture = new MaskingFixture(h2Url(), h2Account())) {
            try (Connection connection = fixture.governed(fixture.support());
                    PreparedStatement select = connection.prepareStatement("SELECT id FROM people WHERE card = ?")) {
                select.setString(1, "4111111111111111");
                select.executeQuery().close();
            }
            JsonNode parameter = fixture.base.auditEvents().get(0).at("/action/parameters/0");
            assertThat(parameter.get("type").asText()).isEqualTo("string");
            assertThat(parameter.get("value").isNull()).isTrue();
            assertThat(parameter.get("sha256").isNull()).isTrue();
            assertThat(Files.readString(fixture.base.audit)).doesNotContain("4111111");
        }
    }

    @Test
    void aParameterInAnExpressionOverAMaskedColumnIsWithheldButOneBesideAMaskedOutputIsKept() throws Exception {
        try (MaskingFixture fixture = new MaskingFixture(h2Url(), h2Account())) {
            try (Connection connection = fixture.governed(fixture.support());
                    PreparedStatement guess = connection.prepareStatement(
                            "SELECT id, ssn || ? AS hit FROM people");
                    PreparedStatement plain = connection.prepareStatement("SELECT id, ssn FROM people WHERE id = ?")) {
                guess.setString(1, "123-45-6789");
                guess.executeQuery().close();
                plain.setInt(1, 2);
                plain.executeQuery().close();
            }
            List<JsonNode> events = fixture.base.auditEvents();
            assertThat(events.get(0).at("/action/parameters/0/value").isNull()).isTrue();
            assertThat(Files.readString(fixture.base.audit)).doesNotContain("123-45");
            JsonNode kept = events.stream().filter(each -> each.at("/action/statement").asText().contains("WHERE id"))
                    .findFirst().orElseThrow();
            assertThat(kept.at("/action/parameters/0/value").asText()).isEqualTo("2");
        }
    }

    @Test
    void aWriteByACallerWithMasksRecordsItsParametersWithheld() throws Exception {
        try (MaskingFixture fixture = new MaskingFixture(h2Url(), h2Account())) {
            try (Connection connection = fixture.governed(fixture.support());
                    PreparedStatement update = connection.prepareStatement("UPDATE people SET ssn = ? WHERE id = ?")) {
                update.setString(1, "555-12-3456");
                update.setInt(2, 1);
                update.executeUpdate();
            }
            assertThat(Files.readString(fixture.base.audit)).doesNotContain("555-12");
        }
    }

    @Test
    void everyParameterSetOfABatchIsRecordedInTheOrderAdded() throws Exception {
        JsonNode action = batchOfStatusUpdates(null, 3).get(0).at("/action");

        assertThat(action.has("parameters")).isFalse();
        assertThat(action.at("/batch/sets").asInt()).isEqualTo(3);
        assertThat(action.at("/batch/parameters").toString()).isEqualTo("["
                + "[{\"sha256\":null,\"type\":\"string\",\"value\":\"status-0\"},{\"sha256\":null,\"type\":\"integer\",\"value\":\"10\"}],"
                + "[{\"sha256\":null,\"type\":\"string\",\"value\":\"status-1\"},{\"sha256\":null,\"type\":\"integer\",\"value\":\"11\"}],"
                + "[{\"sha256\":null,\"type\":\"string\",\"value\":\"status-2\"},{\"sha256\":null,\"type\":\"integer\",\"value\":\"12\"}]]");
    }

    @Test
    void aBatchLargerThanTheCapKeepsItsFirstSetsAndSaysHowManyThereWere() throws Exception {
        JsonNode batch = batchOfStatusUpdates("2", 3).get(0).at("/action/batch");

        assertThat(batch.get("sets").asInt()).isEqualTo(3);
        assertThat(batch.get("parameters")).hasSize(2);
        assertThat(batch.toString()).contains("status-1").doesNotContain("status-2");
    }

    @Test
    void aBatchFollowsTheParameterSettingAndTheNextBatchStartsEmpty() throws Exception {
        try (GovernedFixture fixture = new GovernedFixture()) {
            String rawUrl = GovernedFixture.newH2Database();
            Properties properties = fixture.properties(fixture.supportAgent());
            properties.setProperty("governed.audit.parameters", "digest");
            try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
                    PreparedStatement update = connection.prepareStatement("UPDATE orders SET status = ? WHERE id = ?")) {
                update.setString(1, "first");
                update.setInt(2, 10);
                update.addBatch();
                update.executeBatch();
                update.setString(1, "second");
                update.setInt(2, 11);
                update.addBatch();
                update.executeBatch();
            }
            List<JsonNode> events = fixture.auditEvents();
            assertThat(events.get(0).at("/action/batch/parameters/0/0/sha256").asText()).isEqualTo(sha256("first"));
            assertThat(events.get(1).at("/action/batch/sets").asInt()).isEqualTo(1);
            assertThat(events.get(1).at("/action/batch/parameters/0/0/sha256").asText()).isEqualTo(sha256("second"));
            assertThat(Files.readString(fixture.audit)).doesNotContain("first").doesNotContain("second");
        }
    }

    @Test
    void aBatchWritingAMaskedTableRecordsItsParametersWithheld() throws Exception {
        try (MaskingFixture fixture = new MaskingFixture(h2Url(), h2Account())) {
            try (Connection connection = fixture.governed(fixture.support());
                    PreparedStatement update = connection.prepareStatement("UPDATE people SET ssn = ? WHERE id = ?")) {
                update.setString(1, "555-12-3456");
                update.setInt(2, 1);
                update.addBatch();
                update.setString(1, "555-99-8888");
                update.setInt(2, 2);
                update.addBatch();
                update.executeBatch();
            }
            JsonNode batch = fixture.base.auditEvents().get(0).at("/action/batch");
            assertThat(batch.get("sets").asInt()).isEqualTo(2);
            assertThat(batch.at("/parameters/1/0/type").asText()).isEqualTo("string");
            assertThat(batch.at("/parameters/1/0/value").isNull()).isTrue();
            assertThat(batch.at("/parameters/1/0/sha256").isNull()).isTrue();
            assertThat(Files.readString(fixture.base.audit)).doesNotContain("555-");
        }
    }

    @Test
    void parametersBoundByNameOnACallableStatementAreRecordedWithTheirNames() throws Exception {
        try (GovernedFixture fixture = new GovernedFixture()) {
            String rawUrl = GovernedFixture.newH2Database();
            try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl),
                    fixture.properties(fixture.supportAgent()));
                    CallableStatement call = connection.prepareCall("SELECT name FROM customers WHERE id = ?")) {
                call.setInt("NAME", 2); // H2 names the parameters after the result's columns
                try (ResultSet rows = call.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                }
            }
            assertThat(fixture.auditEvents().get(0).at("/action/parameters").toString())
                    .isEqualTo("[{\"name\":\"NAME\",\"sha256\":null,\"type\":\"integer\",\"value\":\"2\"}]");
        }
    }

    @Test
    void theResultDigestCoversTheRowsAsReadAndNamesTheStatementsEvent() throws Exception {
        try (GovernedFixture fixture = new GovernedFixture()) {
            String rawUrl = GovernedFixture.newH2Database();
            Properties properties = fixture.properties(fixture.supportAgent());
            properties.setProperty("governed.audit.results", "digest");
            String query = "SELECT id, name, email FROM customers ORDER BY id";
            try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
                    Statement statement = connection.createStatement()) {
                try (ResultSet rows = statement.executeQuery(query)) {
                    while (rows.next()) {
                        rows.getString(2); // the caller reads one column; the digest covers the whole row
                    }
                }
                try (ResultSet rows = statement.executeQuery(query)) {
                    rows.next();
                }
            }
            List<JsonNode> events = fixture.auditEvents();
            assertThat(events).hasSize(4);
            JsonNode whole = events.get(1).at("/outcome");
            assertThat(whole.get("status").asText()).isEqualTo("read");
            assertThat(whole.get("rows").asLong()).isEqualTo(2);
            assertThat(whole.at("/result/event").asText()).isEqualTo(events.get(0).get("id").asText());
            assertThat(whole.at("/result/complete").asBoolean()).isTrue();
            assertThat(whole.at("/result/digest").asText()).isEqualTo(rawDigest(rawUrl, query, 99, null));
            JsonNode partial = events.get(3).at("/outcome");
            assertThat(partial.get("rows").asLong()).isEqualTo(1);
            assertThat(partial.at("/result/complete").asBoolean()).isFalse();
            assertThat(partial.at("/result/digest").asText()).isEqualTo(rawDigest(rawUrl, query, 1, null));
        }
    }

    @Test
    void aResultWithoutTopLevelOrderByAlsoRecordsItsRowsAsAMultisetAndAnOrderedOneDoesNot() throws Exception {
        try (GovernedFixture fixture = new GovernedFixture()) {
            String rawUrl = GovernedFixture.newH2Database();
            Properties properties = fixture.properties(fixture.supportAgent());
            properties.setProperty("governed.audit.results", "digest");
            String unordered = "SELECT id, name FROM customers WHERE id IN (SELECT customer_id FROM orders ORDER BY id)";
            try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
                    Statement statement = connection.createStatement()) {
                for (String query : List.of(unordered, "SELECT id, name FROM customers ORDER BY id")) {
                    try (ResultSet rows = statement.executeQuery(query)) {
                        while (rows.next()) {
                            rows.getInt(1);
                        }
                    }
                }
            }
            List<JsonNode> events = fixture.auditEvents();
            JsonNode result = events.get(1).at("/outcome/result");
            assertThat(result.get("unorderedDigest").asText()).isEqualTo(rawUnorderedDigest(rawUrl, unordered));
            assertThat(result.get("digest").asText()).isEqualTo(rawDigest(rawUrl, unordered, 99, null));
            assertThat(events.get(3).at("/outcome/result").has("unorderedDigest")).isFalse();
        }
    }

    @Test
    void aResultTheCallerNeverClosedIsSummarisedWhenItsStatementClosesOrRunsAgain() throws Exception {
        try (GovernedFixture fixture = new GovernedFixture()) {
            String rawUrl = GovernedFixture.newH2Database();
            Properties properties = fixture.properties(fixture.supportAgent());
            properties.setProperty("governed.audit.results", "digest");
            try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties)) {
                PreparedStatement select = connection.prepareStatement("SELECT id FROM customers WHERE id >= ? ORDER BY id");
                select.setInt(1, 1);
                select.executeQuery().next(); // left open
                select.setInt(1, 2);
                select.executeQuery().next(); // left open, then the statement is closed
                select.close();
            }
            List<JsonNode> events = fixture.auditEvents();
            assertThat(events).extracting(each -> each.at("/outcome/status").asText())
                    .containsExactly("ok", "read", "ok", "read");
            assertThat(events.get(1).at("/outcome/result/event").asText()).isEqualTo(events.get(0).get("id").asText());
            assertThat(events.get(3).at("/outcome/result/event").asText()).isEqualTo(events.get(2).get("id").asText());
            assertThat(events.get(3).at("/outcome/result/complete").asBoolean()).isFalse();
        }
    }

    @Test
    void maskedColumnsEnterTheDigestOnlyAsMasked() throws Exception {
        String rawUrl = h2Url();
        try (MaskingFixture fixture = new MaskingFixture(rawUrl, h2Account())) {
            Properties digest = new Properties();
            digest.setProperty("governed.audit.results", "digest");
            String query = "SELECT id, ssn FROM people ORDER BY id";
            try (Connection connection = fixture.governed(fixture.support(), digest);
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(query)) {
                while (rows.next()) {
                    rows.getString(2);
                }
            }
            JsonNode outcome = fixture.base.auditEvents().get(1).at("/outcome");
            assertThat(outcome.at("/result/masked").toString()).isEqualTo("[2]");
            assertThat(outcome.at("/result/digest").asText())
                    .isEqualTo(rawDigest(rawUrl, query, 99, new boolean[] {false, false, true}))
                    .isNotEqualTo(rawDigest(rawUrl, query, 99, null));
            assertThat(fixture.base.auditEvents().get(1).at("/masking/0/values").asLong()).isEqualTo(2);
        }
    }

    @Test
    void withoutTheSettingNoResultIsSummarised() throws Exception {
        try (GovernedFixture fixture = new GovernedFixture()) {
            String rawUrl = GovernedFixture.newH2Database();
            try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl),
                    fixture.properties(fixture.supportAgent()));
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT id FROM customers")) {
                while (rows.next()) {
                    rows.getInt(1);
                }
            }
            assertThat(fixture.auditEvents()).hasSize(1);
            assertThat(fixture.auditEvents().get(0).at("/outcome").has("result")).isFalse();
        }
    }

    private static List<JsonNode> pointSelect(String parameters) throws Exception {
        try (GovernedFixture fixture = new GovernedFixture()) {
            String rawUrl = GovernedFixture.newH2Database();
            Properties properties = fixture.properties(fixture.supportAgent());
            if (parameters != null) {
                properties.setProperty("governed.audit.parameters", parameters);
            }
            try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
                    PreparedStatement select = connection.prepareStatement(POINT)) {
                select.setInt(1, 1);
                select.setString(2, "Ada");
                try (ResultSet rows = select.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                }
            }
            return fixture.auditEvents();
        }
    }

    /** {@code sets} status updates of orders 10, 11, … run as one batch, with {@code governed.audit.batchSets}. */
    private static List<JsonNode> batchOfStatusUpdates(String batchSets, int sets) throws Exception {
        try (GovernedFixture fixture = new GovernedFixture()) {
            String rawUrl = GovernedFixture.newH2Database();
            Properties properties = fixture.properties(fixture.supportAgent());
            if (batchSets != null) {
                properties.setProperty("governed.audit.batchSets", batchSets);
            }
            try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
                    PreparedStatement update = connection.prepareStatement("UPDATE orders SET status = ? WHERE id = ?")) {
                for (int i = 0; i < sets; i++) {
                    update.setString(1, "status-" + i);
                    update.setInt(2, 10 + i);
                    update.addBatch();
                }
                assertThat(update.executeBatch()).containsOnly(1);
            }
            return fixture.auditEvents();
        }
    }

    /** The digest of the first {@code limit} rows of {@code query} read through the raw driver. */
    private static String rawDigest(String rawUrl, String query, int limit, boolean[] masked) throws Exception {
        RowDigest digest = new RowDigest();
        try (Connection raw = GovernedFixture.raw(rawUrl);
                Statement statement = raw.createStatement();
                ResultSet rows = statement.executeQuery(query)) {
            int columns = rows.getMetaData().getColumnCount();
            for (int i = 0; i < limit && rows.next(); i++) {
                digest.add(rows, columns, masked);
            }
        }
        return digest.finish();
    }

    /** The multiset digest of all rows of {@code query} read through the raw driver. */
    private static String rawUnorderedDigest(String rawUrl, String query) throws Exception {
        RowDigest digest = new RowDigest(true);
        try (Connection raw = GovernedFixture.raw(rawUrl);
                Statement statement = raw.createStatement();
                ResultSet rows = statement.executeQuery(query)) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                digest.add(rows, columns, null);
            }
        }
        return digest.finishUnordered();
    }

    private static String h2Url() {
        return "jdbc:h2:mem:" + java.util.UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    }

    private static Properties h2Account() {
        Properties result = new Properties();
        result.setProperty("user", "sa");
        result.setProperty("password", "");
        return result;
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
