package dev.governed.audit.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditFixtures;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.spi.LoggingEventAware;

class Slf4jSinkTest {

    @Test
    void eachEntryIsLoggedWithTheJsonLineAndKeyValueFields() {
        RecordingLogger logger = new RecordingLogger();
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sink(new Slf4jSink(logger, Level.INFO))
                .closeOnShutdown(false).build()) {
            dispatcher.record(AuditFixtures.event("agent:billing"));
        }

        assertThat(logger.events).hasSize(2);
        LoggingEvent event = logger.events.get(0);
        assertThat(event.getLevel()).isEqualTo(Level.INFO);
        assertThat(event.getMessage()).startsWith("{\"id\":").contains("\"subject\":\"agent:billing\"");
        Map<String, Object> fields = event.getKeyValuePairs().stream()
                .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
        assertThat(fields).containsEntry("audit.type", "event").containsEntry("audit.subject", "agent:billing")
                .containsEntry("audit.resource", "orders-db").containsEntry("audit.effect", "allow")
                .containsEntry("audit.seq", 1L).containsKey("audit.id");
        assertThat(logger.events.get(1).getKeyValuePairs()).anyMatch(kv -> kv.value.equals("checkpoint"));
    }

    @Test
    void specSelectsLoggerAndLevelAndNeedsNoTarget() throws Exception {
        try (AuditSink sink = AuditSinks.open("slf4j").get(0); AuditSink named = AuditSinks.open("slf4j:audit.x?level=debug").get(0)) {
            assertThat(sink.describe()).isEqualTo("slf4j:governed.audit");
            assertThat(named.describe()).isEqualTo("slf4j:audit.x");
        }
    }

    /** A real SLF4J logger that keeps what it is given, key-value pairs included. */
    static final class RecordingLogger extends LegacyAbstractLogger implements LoggingEventAware {
        final List<LoggingEvent> events = new CopyOnWriteArrayList<>();

        RecordingLogger() {
            this.name = "recording";
        }

        @Override
        public void log(LoggingEvent event) {
            events.add(event);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String msg, Object[] args, Throwable t) {
            throw new AssertionError("the sink must use the fluent, structured API");
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }
}
