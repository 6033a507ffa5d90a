package dev.governed.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.audit.AuditJson;
import org.junit.jupiter.api.Test;

class JcsTest {

    @Test
    void rfc8785PrimitivesExample() {
        String input = "{\"numbers\":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"
                + "\"string\":\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
                + "\"literals\":[null,true,false]}";

        assertThat(Jcs.canonicalize(AuditJson.readTree(input))).isEqualTo(
                "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                        + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    }

    @Test
    void membersAreSortedByUtf16CodeUnitsNotCodePoints() {
        String input = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
                + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
                + "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";

        String canonical = Jcs.canonicalize(AuditJson.readTree(input));

        assertThat(canonical).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\","
                + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void nestedObjectsAreSortedAndWhitespaceRemoved() {
        assertThat(Jcs.canonicalize(AuditJson.readTree("{ \"b\" : [ 1 , { \"z\":1, \"a\":2 } ], \"a\" : \"x\" }")))
                .isEqualTo("{\"a\":\"x\",\"b\":[1,{\"a\":2,\"z\":1}]}");
    }

    @Test
    void numbersFollowEs6Formatting() {
        assertThat(Jcs.es6(1e21)).isEqualTo("1e+21");
        assertThat(Jcs.es6(1e20)).isEqualTo("100000000000000000000");
        assertThat(Jcs.es6(-0.0000001)).isEqualTo("-1e-7");
        assertThat(Jcs.es6(0.000001)).isEqualTo("0.000001");
        assertThat(Jcs.es6(123.456)).isEqualTo("123.456");
        assertThat(Jcs.canonicalize(AuditJson.readTree("[9007199254740993, -5, 0, 1.0]")))
                .isEqualTo("[9007199254740992,-5,0,1]");
    }

    @Test
    void loneSurrogatesAndControlCharactersAreEscaped() {
        StringBuilder out = new StringBuilder();
        Jcs.writeString("a\ud800b\u0001\u007f", out);

        assertThat(out).hasToString("\"a\\ud800b\\u0001\u007f\"");
    }
}
