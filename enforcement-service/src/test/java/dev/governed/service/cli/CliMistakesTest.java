package dev.governed.service.cli;

import static dev.governed.service.cli.GovernedCliTest.governed;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.governed.service.cli.GovernedCliTest.Run;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a newcomer's ordinary mistakes look like: one line naming the problem and the fix, an exit code per kind. */
class CliMistakesTest {

    @Test
    void aMissingPolicyFileIsOneLineWithExitCode4(@TempDir Path dir) {
        Run run = governed("policies", "push", dir.resolve("policy.yaml").toString(), "--server", "http://127.0.0.1:9", "--token", "t");
        assertThat(run.code()).isEqualTo(CliException.NO_FILE);
        assertOneLine(run, "policy.yaml", "does not exist");
    }

    @Test
    void aServiceThatIsDownIsOneLineWithExitCode5(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path policy = Files.writeString(dir.resolve("policy.yaml"), "version: 1\n");
        Run run = governed("policies", "list", "--server", "http://127.0.0.1:" + port, "--token", "t");
        assertThat(run.code()).isEqualTo(CliException.UNREACHABLE);
        assertOneLine(run, "cannot reach", "governed serve --dev");
        assertThat(run.err()).doesNotContain("(null)");
        assertThat(governed("policies", "push", policy.toString(), "--server", "http://127.0.0.1:" + port).code())
                .isEqualTo(CliException.UNREACHABLE);
    }

    @Test
    void aMissingTokenFileAndAnUnknownOptionAreOneLineEach(@TempDir Path dir) {
        Run noFile = governed("policies", "list", "--token-file", dir.resolve("nope").toString());
        assertThat(noFile.code()).isEqualTo(CliException.NO_FILE);
        assertOneLine(noFile, "nope", "does not exist");
        Run unknown = governed("policies", "list", "--frobnicate");
        assertThat(unknown.code()).isEqualTo(CliException.USAGE);
        assertOneLine(unknown, "--frobnicate", "governed policies list --help");
    }

    @Test
    void devTokenNeedsNoOptionsAndUsesTheIssuerServeCreated(@TempDir Path home) throws Exception {
        String previous = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            Run before = governed("token", "--dev");
            assertThat(before.code()).isEqualTo(CliException.NO_FILE);
            assertOneLine(before, "governed serve --dev", "does not exist");
            assertThat(home.resolve(".governed")).doesNotExist();

            DevIdentity.open(DevIdentity.defaultDataDir()); // what `serve --dev` does on first start
            Run token = governed("token", "--dev");
            assertThat(token.code()).as(token.err()).isZero();
            var claims = SignedJWT.parse(token.out().trim()).getJWTClaimsSet();
            assertThat(claims.getSubject()).isEqualTo("dev-user");
            assertThat(claims.getStringListClaim("groups")).containsExactly("governed-admins", "governed-auditors");
            assertThat(claims.getAudience()).containsExactly(DevIdentity.AUDIENCE);
            assertThat(claims.getIssuer()).isEqualTo(DevIdentity.ISSUER);

            Run forDatasource = governed("token", "--dev", "--subject", "agent:bot", "--groups", "support-agents",
                    "--audience", "governed-dev,orders-db");
            assertThat(SignedJWT.parse(forDatasource.out().trim()).getJWTClaimsSet().getAudience())
                    .containsExactly("governed-dev", "orders-db");
            Path key = DevIdentity.defaultDataDir().resolve(DevIdentity.KEY_FILE);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DevIdentity.defaultDataDir()))).isEqualTo("rwx------");
        } finally {
            System.setProperty("user.home", previous);
        }
    }

    @Test
    void devTokenNeverCreatesAMissingDataFolderOrANewIssuer(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nonexistent");
        Run run = governed("token", "--dev", "--data", missing.toString());
        assertThat(run.code()).isEqualTo(CliException.NO_FILE);
        assertOneLine(run, "nonexistent", "--data");
        assertThat(missing).doesNotExist();

        Path empty = Files.createDirectory(dir.resolve("empty"));
        Run noIssuer = governed("token", "--dev", "--data", empty.toString());
        assertThat(noIssuer.code()).isEqualTo(CliException.NO_FILE);
        assertOneLine(noIssuer, "holds no development issuer", "serve --dev --data");
        assertThat(empty).isEmptyDirectory();
    }

    @Test
    void aMissingOrWrongKeysFileForAuditVerifyIsNotAnInternalError(@TempDir Path dir) throws Exception {
        // audit verify keeps its contract's codes: 0 proven, 1 tampered, 3 not proven, 2 for every usage problem
        Path trail = Files.writeString(dir.resolve("audit.jsonl"), "");
        Run missing = governed("audit", "verify", trail.toString(), "--keys", dir.resolve("keys.jwk").toString());
        assertThat(missing.code()).isEqualTo(CliException.USAGE);
        assertOneLine(missing, "keys.jwk", "no keys file");
        Run wrong = governed("audit", "verify", trail.toString(), "--keys", trail.toString());
        assertThat(wrong.code()).isEqualTo(CliException.USAGE);
        assertOneLine(wrong, "not a JWK");
    }

    @Test
    void serveNamesAMissingConfigFileAndABusyPort(@TempDir Path dir) throws Exception {
        Run config = governed("serve", "--config", dir.resolve("governed.properties").toString(), "--data", dir.toString());
        assertThat(config.code()).isEqualTo(CliException.NO_FILE);
        assertOneLine(config, "governed.properties", "does not exist");
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Run port = governed("serve", "--dev", "--port", String.valueOf(busy.getLocalPort()), "--data", dir.resolve("data").toString());
            assertThat(port.code()).isEqualTo(CliException.FAILED);
            assertOneLine(port, "already in use", "--port");
        }
    }

    private static void assertOneLine(Run run, String... fragments) {
        String err = run.err().strip();
        assertThat(err).as("stderr").startsWith("governed: ").doesNotContain("\n").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(err).contains(fragments);
    }
}
