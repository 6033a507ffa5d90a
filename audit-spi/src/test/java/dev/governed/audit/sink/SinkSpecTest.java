package dev.governed.audit.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.audit.AuditException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkSpecTest {

    @TempDir
    Path dir;

    @Test
    void parsesTypeTargetAndOptions() {
        SinkSpec spec = SinkSpec.parse("jsonl:/var/log/governed/audit.jsonl?maxSize=100MB&fsync=batch");

        assertThat(spec.type()).isEqualTo("jsonl");
        assertThat(spec.target()).isEqualTo("/var/log/governed/audit.jsonl");
        assertThat(spec.options()).containsExactly(Map.entry("maxSize", "100MB"), Map.entry("fsync", "batch"));
        assertThat(spec.sizeOption("maxSize", 0)).isEqualTo(100L << 20);
    }

    @Test
    void parsesACommaSeparatedListWithBlanksAndTargetsContainingColons() {
        List<SinkSpec> specs = SinkSpec.parseList(" jsonl:C:\\logs\\a.jsonl , slf4j ,http:https://collector:8443/audit");

        assertThat(specs).extracting(SinkSpec::type).containsExactly("jsonl", "slf4j", "http");
        assertThat(specs).extracting(SinkSpec::target)
                .containsExactly("C:\\logs\\a.jsonl", null, "https://collector:8443/audit");
    }

    @Test
    void rejectsMalformedEntriesNamingThem() {
        assertThatThrownBy(() -> SinkSpec.parseList("")).isInstanceOf(AuditException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> SinkSpec.parseList("jsonl:/a,,jsonl:/b"))
                .hasMessageContaining("empty entry");
        assertThatThrownBy(() -> SinkSpec.parse("/var/log/a.jsonl"))
                .hasMessageContaining("'/var/log/a.jsonl'").hasMessageContaining("type:target");
        assertThatThrownBy(() -> SinkSpec.parse("jsonl:/a?fsync"))
                .hasMessageContaining("option 'fsync' without a value");
        assertThatThrownBy(() -> SinkSpec.parse("jsonl:/a?fsync=none&fsync=batch"))
                .hasMessageContaining("sets option 'fsync' twice");
        assertThatThrownBy(() -> SinkSpec.parse("jsonl:/a?maxSize=lots").sizeOption("maxSize", 1))
                .hasMessageContaining("'lots', not a size");
    }

    @Test
    void unknownTypeIsRejectedListingTheKnownOnes() {
        assertThatThrownBy(() -> AuditSinks.open("kafka:topic"))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("unknown audit sink type 'kafka'")
                .hasMessageContaining("known types: http, jdbc, jsonl, slf4j");
    }

    @Test
    void unknownOptionIsRejectedListingTheAllowedOnes() {
        assertThatThrownBy(() -> AuditSinks.open("jsonl:" + dir.resolve("a.jsonl") + "?maxsize=1MB"))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("unknown option(s) [maxsize]")
                .hasMessageContaining("allowed: [fsync, maxSize]");
        assertThat(dir.resolve("a.jsonl")).doesNotExist();
    }

    @Test
    void badOptionValueIsRejectedListingTheAllowedValues() {
        assertThatThrownBy(() -> AuditSinks.open("jsonl:" + dir.resolve("a.jsonl") + "?fsync=always"))
                .hasMessageContaining("'always'").hasMessageContaining("write batch (force after every batch), none (leave it to the OS)"
                        + " or a duration such as 10ms");
    }

    @Test
    void jsonlWithoutTargetIsRejected() {
        assertThatThrownBy(() -> AuditSinks.open("jsonl")).hasMessageContaining("has no target");
    }

    @Test
    void serviceLoaderFindsTheJsonlProvider() throws Exception {
        assertThat(AuditSinks.providers()).containsKey("jsonl");

        try (AuditSink sink = AuditSinks.open("jsonl:" + dir.resolve("sub/a.jsonl") + "?fsync=none").get(0)) {
            assertThat(sink).isInstanceOf(JsonlSink.class);
            assertThat(sink.describe()).isEqualTo("jsonl:" + dir.resolve("sub/a.jsonl"));
        }
        assertThat(Files.exists(dir.resolve("sub/a.jsonl"))).isTrue();
    }
}
