package dev.governed.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.testsupport.PostgresFixture;
import dev.governed.testsupport.TestIdentityProvider;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same replay on PostgreSQL: its types and parameter binding, and its lower-case sandbox mark. */
class ReplayAgainstPostgresSandboxTest {

    @TempDir
    static Path dir;
    static TestIdentityProvider idp;
    static PostgresFixture postgres;

    @BeforeAll
    static void start() {
        idp = new TestIdentityProvider();
        postgres = PostgresFixture.shared();
    }

    @AfterAll
    static void stop() {
        idp.close();
    }

    @Test
    void aFaithfulPostgresSandboxGivesTheSameDigestsAndAnUnmarkedOneIsRefused() throws Exception {
        ReplayAgainstSandboxTest.Recording recording = ReplayAgainstSandboxTest.record("values",
                database("replay_recorded", false), dir, idp);
        database("replay_sandbox", true);
        DataSource production = database("replay_production", false);

        ReplayAgainstSandboxTest.Run same = replay(recording, "replay_sandbox");
        ReplayAgainstSandboxTest.Run refused = replay(recording, "replay_production");

        assertThat(same.code()).as(same.out() + same.err()).isZero();
        assertThat(same.out()).contains("5 same, 0 differ, 0 not replayable, 0 unchecked; 1 denied")
                .contains("batch of 2 parameter set(s): 2 row(s) changed").contains("in any order");
        assertThat(refused.code()).isEqualTo(CliException.USAGE);
        assertThat(refused.err()).contains("not marked as a sandbox");
        try (Connection raw = production.getConnection();
                Statement statement = raw.createStatement();
                ResultSet rows = statement.executeQuery("SELECT status FROM orders WHERE id = 10")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo("open");
        }
    }

    private static ReplayAgainstSandboxTest.Run replay(ReplayAgainstSandboxTest.Recording recording, String database) {
        return ReplayAgainstSandboxTest.governed("replay", recording.session(), "--trail", recording.trail().toString(),
                "--against", postgres.jdbcUrl(database), "--user", postgres.user(), "--password", postgres.password());
    }

    private static DataSource database(String name, boolean sandbox) throws Exception {
        DataSource result = postgres.newDatabase(name);
        try (Connection raw = result.getConnection()) {
            ReplayAgainstSandboxTest.createTables(raw, sandbox);
        }
        return result;
    }
}
