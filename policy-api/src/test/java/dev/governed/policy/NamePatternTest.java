package dev.governed.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamePatternTest {

    @Test
    void tablePatternIsSplitUnquotedAndLowerCased() {
        assertThat(TablePattern.parse("App.\"Public Data\".*").segments()).containsExactly("app", "public data", "*");
        assertThat(TablePattern.parse("\"a.b\".c").segments()).containsExactly("a.b", "c");
    }

    @Test
    void tablePatternKeepsItsTextForWritingBack() {
        assertThat(TablePattern.parse("Public.Orders").text()).isEqualTo("Public.Orders");
    }

    @Test
    void onlyWholeSegmentWildcardsAndIdentifiersAreAccepted() {
        for (String bad : List.of("", "a b", "a.*x", "a..b", ".a", "a.", "a;drop", "\"\".a", "\"a\"b.c", "a.b.c.d")) {
            assertThatThrownBy(() -> TablePattern.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void strictMatchingFailsClosedOnUnknownSchemaAndNamedCatalog() {
        TableName unknownSchema = TableName.of(null, "orders");

        assertThat(TablePattern.parse("orders").matchesStrictly(unknownSchema)).isTrue();
        assertThat(TablePattern.parse("*.orders").matchesStrictly(unknownSchema)).isTrue();
        assertThat(TablePattern.parse("public.orders").matchesStrictly(unknownSchema)).isFalse();
        assertThat(TablePattern.parse("db.public.orders").matchesStrictly(TableName.of("public", "orders"))).isFalse();
        assertThat(TablePattern.parse("*.public.orders").matchesStrictly(TableName.of("public", "orders"))).isTrue();
    }

    @Test
    void conservativeMatchingErrsTowardsAMatch() {
        assertThat(TablePattern.parse("public.orders").matchesConservatively(TableName.of(null, "orders"))).isTrue();
        assertThat(TablePattern.parse("db.public.orders").matchesConservatively(TableName.of("public", "orders"))).isTrue();
        assertThat(TablePattern.parse("public.orders").matchesConservatively(TableName.of("other", "orders"))).isFalse();
        assertThat(TablePattern.parse("public.orders").matchesConservatively(TableName.of("public", "order"))).isFalse();
    }

    @Test
    void columnPatternMatchesRightAlignedAndCaseInsensitively() {
        ColumnPattern ssn = ColumnPattern.parse("public.customers.SSN");

        assertThat(ssn.matches(TableName.of("PUBLIC", "Customers"), "ssn")).isTrue();
        assertThat(ssn.matches(TableName.of("public", "customers"), "Ssn")).isTrue();
        assertThat(ssn.matches(TableName.of("crm", "customers"), "ssn")).isFalse();
        assertThat(ssn.matches(TableName.of("public", "customers"), "name")).isFalse();
    }

    @Test
    void columnPatternWithSchemaStillMasksWhenTheSchemaIsUnknown() {
        assertThat(ColumnPattern.parse("public.customers.ssn").matches(TableName.of(null, "customers"), "ssn")).isTrue();
    }

    @Test
    void columnWildcardsCoverAnyTable() {
        ColumnPattern email = ColumnPattern.parse("*.email");

        assertThat(email.matches(TableName.of("crm", "users"), "EMAIL")).isTrue();
        assertThat(email.matches(TableName.of(null, "people"), "email")).isTrue();
        assertThat(email.matches(TableName.of("crm", "users"), "emails")).isFalse();
    }
}
