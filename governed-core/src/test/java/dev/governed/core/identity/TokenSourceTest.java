package dev.governed.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSourceTest {
    @TempDir
    Path dir;

    @Test
    void scopedTokenWinsOverEverything() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "from-file");
        TokenSource source = TokenSource.standard(properties("governed.token", "from-property", "governed.token.file", file.toString()),
                properties("governed.token", "from-system"), Map.of("GOVERNED_TOKEN", "from-env"));

        assertThat(ScopedToken.call("from-scope", source::token)).contains("from-scope");
        assertThat(source.token()).contains("from-property");
    }

    @Test
    void precedenceIsPropertyThenFileThenSystemPropertyThenEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "from-file\n");
        Map<String, String> env = Map.of("GOVERNED_TOKEN", "from-env");

        assertThat(TokenSource.standard(properties("governed.token.file", file.toString()),
                properties("governed.token", "from-system"), env).token()).contains("from-file");
        assertThat(TokenSource.standard(new Properties(), properties("governed.token", "from-system"), env).token())
                .contains("from-system");
        assertThat(TokenSource.standard(new Properties(), new Properties(), env).token()).contains("from-env");
        assertThat(TokenSource.standard(new Properties(), new Properties(), Map.of()).token()).isEmpty();
    }

    @Test
    void tokenFileFromEnvironmentIsUsed() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "from-file");

        assertThat(TokenSource.standard(new Properties(), new Properties(), Map.of("GOVERNED_TOKEN_FILE", file.toString()))
                .token()).contains("from-file");
    }

    @Test
    void tokenFileIsReReadWhenItChanges() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "first");
        TokenSource source = TokenSource.file(file, Duration.ZERO);
        assertThat(source.token()).contains("first");

        Files.writeString(file, "second-token");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

        assertThat(source.token()).contains("second-token");
    }

    @Test
    void tokenFileChecksAreThrottled() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "first");
        TokenSource source = TokenSource.file(file, Duration.ofHours(1));
        assertThat(source.token()).contains("first");

        Files.writeString(file, "second-token");

        assertThat(source.token()).contains("first");
    }

    @Test
    void missingOrEmptyTokenFileHasNoToken() throws Exception {
        assertThat(TokenSource.file(dir.resolve("absent"), Duration.ZERO).token()).isEmpty();
        assertThat(TokenSource.file(Files.writeString(dir.resolve("empty"), "  \n"), Duration.ZERO).token()).isEmpty();
    }

    @Test
    void descriptionNamesThePlacesButNotTheToken() {
        TokenSource source = TokenSource.standard(properties("governed.token", "secret-token-value"), new Properties(), Map.of());

        assertThat(source.description())
                .contains("scoped token", "connection property governed.token", "environment variable GOVERNED_TOKEN")
                .doesNotContain("secret-token-value");
    }

    private static Properties properties(String... keyValues) {
        Properties result = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            result.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return result;
    }
}
