package dev.governed.testsupport;

import com.sun.security.auth.module.UnixSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresAccountTest {

    @Test
    void aDirectoryPrivateToTheJvmUserIsRefusedOnlyWhenTheServerRunsAsSomeoneElse(@TempDir Path temp) throws Exception {
        Path privateDirectory = Files.createDirectory(temp.resolve("private"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path workRoot = Files.createDirectory(privateDirectory.resolve("work"));
        PostgresAccount account = PostgresAccount.forThisJvm();

        if (new UnixSystem().getUid() == 0) {
            assertThatThrownBy(() -> account.checkCanEnter(workRoot))
                    .hasMessageContaining("cannot enter " + privateDirectory.toRealPath())
                    .hasMessageContaining("-Djava.io.tmpdir");
        } else {
            assertThatCode(() -> account.checkCanEnter(workRoot)).doesNotThrowAnyException();
        }
    }

    @Test
    void commandsRunAsAnUnprivilegedUser() throws Exception {
        Process id = new ProcessBuilder(PostgresAccount.forThisJvm().command(List.of("id", "-u")))
                .redirectErrorStream(true).start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();

        assertThat(id.waitFor()).isZero();
        assertThat(uid).isNotEqualTo("0").matches("\\d+");
    }
}
