package dev.governed.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/governed}, the command the documentation prints, runs the built command line or says how to build it. */
class LauncherIT {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path LAUNCHER = ROOT.resolve("bin/governed");

    record Result(int code, String out) {}

    @Test
    void launcherRunsTheBuiltCommandLine(@TempDir Path dir) throws Exception {
        assertThat(ROOT.resolve("samples/target/governed.jar")).as("built by `package`, which runs before this test").exists();
        Result version = run(List.of("--version"), null);
        assertThat(version.code()).as(version.out()).isZero();
        assertThat(version.out()).contains("governed 0.1.0");
        Result missing = run(List.of("token", "--dev", "--data", dir.resolve("missing").toString()), null);
        assertThat(missing.code()).isEqualTo(4);
        assertThat(missing.out().strip()).startsWith("governed: ").contains("does not exist").doesNotContain("\n");
    }

    @Test
    void launcherSaysHowToBuildAMissingJar(@TempDir Path dir) throws Exception {
        Result result = run(List.of("--version"), dir.resolve("governed.jar"));
        assertThat(result.code()).isEqualTo(4);
        assertThat(result.out()).contains("is not built yet").contains("mvn -B -q -DskipTests -pl samples -am package");
    }

    private static Result run(List<String> arguments, Path jar) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new java.util.ArrayList<>(List.of("sh", LAUNCHER.toString())));
        builder.command().addAll(arguments);
        builder.redirectErrorStream(true);
        if (jar != null) {
            builder.environment().put("GOVERNED_JAR", jar.toString());
        }
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), out);
    }
}
