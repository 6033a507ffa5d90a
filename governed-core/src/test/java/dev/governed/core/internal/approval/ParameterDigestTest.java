package dev.governed.core.internal.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterDigestTest {
    private static final String SQL = "UPDATE orders SET status = ? WHERE id = ?";

    private static Map<String, Object> set(Object first, Object second) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("1", first);
        result.put("2", second);
        return result;
    }

    @Test
    void theSameTextAndValuesGiveTheSameDigest() {
        assertThat(ParameterDigest.of(SQL, List.of(set("shipped", 1)))).isEqualTo(ParameterDigest.of(SQL, List.of(set("shipped", 1))))
                .matches("[0-9a-f]{64}");
    }

    @Test
    void anyDifferenceInTextValueTypeOrBatchChangesIt() {
        String approved = ParameterDigest.of(SQL, List.of(set("shipped", 1)));
        assertThat(ParameterDigest.of(SQL, List.of(set("shipped", 2)))).isNotEqualTo(approved);
        assertThat(ParameterDigest.of(SQL, List.of(set("shipped", "1")))).as("a string is not a number").isNotEqualTo(approved);
        assertThat(ParameterDigest.of(SQL, List.of(set("shipped", 1L)))).as("nor an int a long").isNotEqualTo(approved);
        assertThat(ParameterDigest.of(SQL, List.of(set("shipped", null)))).isNotEqualTo(approved);
        assertThat(ParameterDigest.of(SQL + " ", List.of(set("shipped", 1)))).isNotEqualTo(approved);
        assertThat(ParameterDigest.of(SQL, List.of(set("shipped", 1), set("shipped", 1)))).isNotEqualTo(approved);
        assertThat(ParameterDigest.of(SQL, List.of(set("ship", "ped1")))).as("values cannot shift across parameters")
                .isNotEqualTo(ParameterDigest.of(SQL, List.of(set("shipped", "1"))));
    }

    @Test
    void aStreamCannotBeApproved() {
        assertThatThrownBy(() -> ParameterDigest.of(SQL, List.of(set(new ByteArrayInputStream(new byte[1]), 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameter 1")
                .hasMessageContaining("bind it as");
    }
}
