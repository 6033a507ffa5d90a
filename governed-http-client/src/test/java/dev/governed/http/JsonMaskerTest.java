package dev.governed.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.core.engine.ActiveMask;
import dev.governed.core.mask.MaskConfiguration;
import dev.governed.core.mask.MaskStrategyRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonMaskerTest {

    private static final MaskStrategyRegistry STRATEGIES = MaskStrategyRegistry.load();

    private static ActiveMask mask(String strategy, Map<String, Object> options, String... fields) {
        return new ActiveMask(List.of(fields), strategy,
                STRATEGIES.create(strategy, options, MaskConfiguration.withKey("k")), null);
    }

    /** Feeds the body one byte at a time: every token boundary falls between two chunks somewhere. */
    private static String maskBytewise(String json, ActiveMask... masks) throws IOException {
        JsonMasker masker = new JsonMasker(List.of(masks));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte each : json.getBytes(StandardCharsets.UTF_8)) {
            write(out, masker.feed(ByteBuffer.wrap(new byte[] {each})));
        }
        write(out, masker.finish());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void write(ByteArrayOutputStream out, ByteBuffer buffer) {
        if (buffer != null) {
            out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        }
    }

    @Test
    void masksAcrossChunkBoundaries() throws Exception {
        String masked = maskBytewise("{\"a\":{\"b\":\"secret-value\"},\"items\":[{\"ssn\":\"123456789\"},{\"ssn\":987654321}]}",
                mask("redact", Map.of(), "$.a.b"), mask("keep-last", Map.of("keep", 2), "$.items[*].ssn"));
        assertThat(masked).isEqualTo("{\"a\":{\"b\":\"****\"},\"items\":[{\"ssn\":\"*******89\"},{\"ssn\":\"*******21\"}]}");
    }

    @Test
    void recursiveDescentFindsEveryDepthAndIndexesSelectOnePosition() throws Exception {
        String masked = maskBytewise("[{\"email\":\"x@y.z\",\"k\":[{\"email\":\"jj@q.r\"}]},{\"email\":\"zz@q.r\"}]",
                mask("email", Map.of(), "$..email"));
        assertThat(masked).doesNotContain("x@y.z", "jj@q.r", "zz@q.r").contains("j***@q.r", "z***@q.r");
        assertThat(maskBytewise("{\"l\":[\"a\",\"b\",\"c\"]}", mask("redact", Map.of(), "$.l[1]")))
                .isEqualTo("{\"l\":[\"a\",\"****\",\"c\"]}");
        assertThat(maskBytewise("{\"x y\":\"v\"}", mask("redact", Map.of(), "$['x y']"))).isEqualTo("{\"x y\":\"****\"}");
    }

    @Test
    void unmatchedFieldsPassThroughUnchanged() throws Exception {
        String json = "{\"n\":1.5e3,\"t\":true,\"z\":null,\"s\":\"\\u00e9\\\"q\",\"o\":{},\"a\":[]}";
        assertThat(maskBytewise(json, mask("redact", Map.of(), "$.other"))).isEqualTo(
                "{\"n\":1.5e3,\"t\":true,\"z\":null,\"s\":\"é\\\"q\",\"o\":{},\"a\":[]}");
    }

    @Test
    void truncatedOrInvalidBodiesFail() {
        ActiveMask any = mask("redact", Map.of(), "$.a");
        assertThatThrownBy(() -> maskBytewise("{\"a\":[1,2", any)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> maskBytewise("{\"a\":tru}", any)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> maskBytewise("<html>", any)).isInstanceOf(IOException.class);
    }

    /** Shapes of a body that could carry a masked field past a streaming masker: none does. */
    @Test
    void evasiveShapesAreMaskedOrRefused() throws Exception {
        ActiveMask ssn = mask("redact", Map.of(), "$.ssn");
        // several root values (JSON lines): each one is masked
        assertThat(maskBytewise("{\"ssn\":\"1\"}\n{\"ssn\":\"123-45-6789\"}", ssn)).doesNotContain("123-45");
        // a field name written with escapes is the same field
        assertThat(maskBytewise("{\"\\u0073sn\":\"123-45-6789\"}", ssn)).doesNotContain("123-45");
        // a duplicate key: both values masked
        assertThat(maskBytewise("{\"ssn\":\"x\",\"ssn\":\"123-45-6789\"}", ssn)).doesNotContain("123-45");
        // a number, an object and an array under the masked name
        assertThat(maskBytewise("{\"ssn\":123456789}", ssn)).doesNotContain("123456789");
        assertThat(maskBytewise("{\"ssn\":{\"v\":\"123-45-6789\"}}", ssn)).doesNotContain("123-45");
        assertThat(maskBytewise("{\"ssn\":[\"123-45-6789\"]}", ssn)).doesNotContain("123-45");
        // trailing garbage after a complete value is refused, not passed on
        assertThatThrownBy(() -> maskBytewise("{\"a\":1} <script>\"123-45-6789\"", ssn)).isInstanceOf(IOException.class);
    }
}
