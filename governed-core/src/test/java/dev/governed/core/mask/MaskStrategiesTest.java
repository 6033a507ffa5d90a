package dev.governed.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaskStrategiesTest {

    private final MaskStrategyRegistry registry = MaskStrategyRegistry.load();
    private final MaskConfiguration configuration = MaskConfiguration.withKey("test-key");

    private MaskStrategy strategy(String type, Map<String, Object> options) {
        return registry.create(type, options, configuration);
    }

    @Test
    void everyDocumentedStrategyIsFoundByServiceLoader() {
        assertThat(registry.types()).contains("redact", "keep-last", "keep-first", "hash", "null", "email", "regex",
                "year-only");
    }

    @Test
    void keepLastShowsOnlyTheLastCharacters() {
        assertThat(strategy("keep-last", Map.of("keep", 4)).mask("123-45-6789")).isEqualTo("*******6789");
        assertThat(strategy("keep-first", Map.of("keep", 2, "maskChar", "#")).mask("secret")).isEqualTo("se####");
    }

    @Test
    void keepMasksWholeAValueNotLongerThanKeep() {
        // ShardingSphere returns such values in the clear
        assertThat(strategy("keep-last", Map.of("keep", 4)).mask("1234")).isEqualTo("****");
        assertThat(strategy("keep-first", Map.of("keep", 4)).mask("ab")).isEqualTo("**");
    }

    @Test
    void keepCountsCodePointsNotChars() {
        assertThat(strategy("keep-last", Map.of("keep", 1)).mask("\uD83D\uDE00\uD83D\uDE00x")).isEqualTo("**x");
    }

    @Test
    void keepGivesTheSameAnswerForTextWithAndWithoutTwoUnitCharacters() {
        assertThat(strategy("keep-first", Map.of("keep", 2)).mask("h\u00e9llo")).isEqualTo("h\u00e9***");
        assertThat(strategy("keep-first", Map.of("keep", 2)).mask("h\uD83D\uDE00llo")).isEqualTo("h\uD83D\uDE00***");
        assertThat(strategy("keep-last", Map.of("keep", 0)).mask("abc")).isEqualTo("***");
        assertThat(strategy("keep-last", Map.of("keep", 3)).mask("")).isEqualTo("");
    }

    @Test
    void keepMasksNumbersInTheirTextForm() {
        assertThat(strategy("keep-last", Map.of("keep", 2)).mask(new BigDecimal("12345.67"))).isEqualTo("******67");
    }

    @Test
    void hashIsKeyedStableAndIrreversible() {
        MaskStrategy hash = strategy("hash", Map.of());
        Object first = hash.mask("123-45-6789");
        assertThat(first).isEqualTo(hash.mask("123-45-6789")).isNotEqualTo(hash.mask("123-45-6780"));
        assertThat((String) first).hasSize(32).matches("[0-9a-f]+").doesNotContain("6789");
        MaskStrategy otherKey = registry.create("hash", Map.of(), MaskConfiguration.withKey("other"));
        assertThat(otherKey.mask("123-45-6789")).isNotEqualTo(first);
        assertThat((String) strategy("hash", Map.of("length", 8)).mask("x")).hasSize(8);
    }

    @Test
    void missingHashKeyFallsBackToARandomOneNeverAFixedOne() {
        MaskStrategy first = registry.create("hash", Map.of(), MaskConfiguration.withKey(null));
        MaskStrategy second = registry.create("hash", Map.of(), MaskConfiguration.withKey(null));
        assertThat(first.mask("123-45-6789")).isNotEqualTo(second.mask("123-45-6789"));
    }

    @Test
    void emailKeepsTheFirstLetterAndTheDomain() {
        MaskStrategy email = strategy("email", Map.of());
        assertThat(email.mask("jane@example.com")).isEqualTo("j***@example.com");
        assertThat(email.mask("j@example.com")).isEqualTo("***@example.com");
        assertThat(email.mask("not an address")).isEqualTo("****");
        assertThat(email.mask("a@b@c")).isEqualTo("****");
    }

    @Test
    void emailAnswersTheSameForOneByteAndWiderCharacters() {
        MaskStrategy email = strategy("email", Map.of());
        assertThat(email.mask("j\u00f6rg@b\u00e4r.de")).isEqualTo("j***@b\u00e4r.de");
        assertThat(email.mask("\u0109ek@example.com")).isEqualTo("\u0109***@example.com");
        assertThat(email.mask("jane@\u4f8b\u3048.jp")).isEqualTo("j***@\u4f8b\u3048.jp");
        assertThat(email.mask("\uD83D\uDE00x@example.com")).isEqualTo("\uD83D\uDE00***@example.com");
        assertThat(email.mask("\uD83D\uDE00@example.com")).isEqualTo("***@example.com");
        assertThat(email.mask("ab@x.io")).isEqualTo("a***@x.io");
        assertThat(email.mask("jonathan@x.io")).isEqualTo("j***@x.io");
        assertThat(email.mask("who?@what?.io")).isEqualTo("w***@what?.io");
        assertThat(email.mask("?\u0109@x.io")).isEqualTo("?***@x.io");
        assertThat(email.mask("jane@")).isEqualTo("****");
        assertThat(email.mask("@example.com")).isEqualTo("****");
    }

    @Test
    void keepAnswersTheSameForOneByteAndWiderCharactersAndMaskChars() {
        assertThat(strategy("keep-last", Map.of("keep", 2)).mask("\u00e9t\u00e9")).isEqualTo("*t\u00e9");
        assertThat(strategy("keep-last", Map.of("keep", 2)).mask("a\u0109\u0109d")).isEqualTo("**\u0109d");
        assertThat(strategy("keep-first", Map.of("keep", 1, "maskChar", "\u2022")).mask("abc"))
                .isEqualTo("a\u2022\u2022");
        assertThat(strategy("keep-first", Map.of("keep", 9)).mask("abc")).isEqualTo("***");
        assertThat(strategy("keep-last", Map.of("keep", 2)).mask("1?3?5")).isEqualTo("***?5");
        assertThat(strategy("keep-last", Map.of("keep", 2)).mask("?\u0109?")).isEqualTo("*\u0109?");
        assertThat(strategy("keep-last", Map.of("keep", 1)).mask("?\uD83D\uDE00?")).isEqualTo("**?");
        assertThat(strategy("keep-last", Map.of("keep", 0, "maskChar", "\u00d7")).mask("abc"))
                .isEqualTo("\u00d7\u00d7\u00d7");
    }

    @Test
    void regexReplacesEveryMatch() {
        MaskStrategy regex = strategy("regex", Map.of("pattern", "\\d", "replacement", "#"));
        assertThat(regex.mask("call 555-1234")).isEqualTo("call ###-####");
        assertThatThrownBy(() -> strategy("regex", Map.of("pattern", "(", "replacement", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pattern");
    }

    @Test
    void yearOnlyKeepsTheTypeAndTheYear() {
        MaskStrategy year = strategy("year-only", Map.of());
        assertThat(year.mask(Date.valueOf("1984-06-02"))).isEqualTo(Date.valueOf("1984-01-01"));
        assertThat(year.mask(Timestamp.valueOf("1984-06-02 10:11:12"))).isEqualTo(Timestamp.valueOf("1984-01-01 00:00:00"));
        assertThat(year.mask(LocalDate.of(1984, 6, 2))).isEqualTo(LocalDate.of(1984, 1, 1));
        assertThat(year.mask("1984-06-02")).isEqualTo("1984");
        assertThat(year.mask(42)).isEqualTo("****");
    }

    @Test
    void redactAndNullIgnoreTheValue() {
        assertThat(strategy("redact", Map.of()).mask("anything")).isEqualTo("****");
        assertThat(strategy("redact", Map.of("replacement", "[hidden]")).mask(12)).isEqualTo("[hidden]");
        assertThat(strategy("null", Map.of()).mask("anything")).isNull();
    }

    @Test
    void unknownStrategyAndMissingOptionsAreNamed() {
        assertThatThrownBy(() -> strategy("rot13", Map.of())).hasMessageContaining("rot13");
        assertThatThrownBy(() -> strategy("keep-last", Map.of())).hasMessageContaining("keep");
        assertThatThrownBy(() -> strategy("keep-last", Map.of("keep", 5000))).hasMessageContaining("1000");
    }
}
