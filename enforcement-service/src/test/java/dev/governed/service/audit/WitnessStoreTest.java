package dev.governed.service.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.audit.chain.Checkpoint;
import dev.governed.service.store.Database;
import dev.governed.testsupport.PostgresFixture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The witness's head only moves forward, even when reports for one stream arrive at once and out of order. */
class WitnessStoreTest {

    @Test
    void racingReportsLeaveTheNewestHeadOnH2(@TempDir Path dir) throws Exception {
        try (Database database = Database.open("jdbc:h2:file:" + dir.resolve("witness"), "sa", "", 8)) {
            racingReportsLeaveTheNewestHead(database);
        }
    }

    @Test
    void racingReportsLeaveTheNewestHeadOnPostgres() throws Exception {
        PostgresFixture postgres = PostgresFixture.shared();
        postgres.newDatabase("svc_witness_race");
        try (Database database = Database.open(postgres.jdbcUrl("svc_witness_race"), postgres.user(), postgres.password(), 8)) {
            racingReportsLeaveTheNewestHead(database);
        }
    }

    private static void racingReportsLeaveTheNewestHead(Database database) throws Exception {
        WitnessStore store = new WitnessStore(database, Clock.systemUTC());
        String stream = UUID.randomUUID().toString();
        store.witness(checkpoint(stream, 1), null, "unsigned", "agent:writer");
        List<Integer> seqs = new ArrayList<>();
        for (int seq = 2; seq <= 40; seq++) {
            seqs.add(seq);
        }
        Collections.shuffle(seqs);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> reports = new ArrayList<>();
            for (int seq : seqs) {
                reports.add(pool.submit(() -> store.witness(checkpoint(stream, seq), null, "unsigned", "agent:writer")));
            }
            for (Future<Boolean> each : reports) {
                each.get();
            }
        } finally {
            pool.shutdown();
        }

        assertThat(store.heads(stream)).singleElement().satisfies(head -> {
            assertThat(head.checkpoint().seq()).isEqualTo(40);
            assertThat(head.checkpoint().head()).isEqualTo(head(40));
        });
        assertThat(store.witness(checkpoint(stream, 39), null, "unsigned", "agent:writer")).isFalse();
    }

    private static Checkpoint checkpoint(String stream, int seq) {
        return new Checkpoint(stream, seq, head(seq), Instant.parse("2026-12-05T00:00:00Z").plusSeconds(seq), null);
    }

    private static String head(int seq) {
        return String.format("%064x", seq);
    }
}
