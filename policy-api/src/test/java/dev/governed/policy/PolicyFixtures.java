package dev.governed.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Sample policy documents kept under src/test/resources/policies. */
final class PolicyFixtures {
    private PolicyFixtures() {
    }

    static String text(String name) {
        try (InputStream in = PolicyFixtures.class.getResourceAsStream("/policies/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test policy " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PolicyDocument document(String name) {
        return PolicyDocuments.parse(text(name), name);
    }
}
