package dev.governed.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the README, the module READMEs and {@code docs/} compiles against the project's
 * classes. A block that declares a type is a compilation unit; any other block is the body of a method that may throw.
 * Both get the imports below, so a snippet shows only what a reader needs; a snippet must declare the variables it uses.
 */
class DocSnippetsTest {
    private static final Pattern BLOCK = Pattern.compile("(?m)^```java[^\\n]*\\n(.*?)^```", Pattern.DOTALL);
    private static final Pattern TYPE = Pattern.compile("(?m)^(?:public |final |abstract )*(?:class|interface|record|enum) (\\w+)");
    private static final List<String> IMPORTS = List.of("java.io.*", "java.net.*", "java.nio.file.*", "java.sql.*", "java.time.*",
            "java.util.*", "javax.sql.DataSource", "com.zaxxer.hikari.*", "dev.governed.core.*", "dev.governed.jdbc.*",
            "dev.governed.policy.*", "dev.governed.audit.*", "dev.governed.audit.sink.*", "dev.governed.audit.verify.*",
            "dev.governed.audit.export.*");

    @Test
    void everyJavaSnippetInTheDocumentationCompiles(@TempDir Path work) throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> sources = new ArrayList<>();
        List<String> origins = new ArrayList<>();
        for (Path document : documents(root)) {
            String text = Files.readString(document);
            Matcher block = BLOCK.matcher(text);
            while (block.find()) {
                String name = "s" + sources.size();
                String origin = root.relativize(document) + ":" + lineOf(text, block.start());
                Path source = Files.createDirectories(work.resolve("src/docs/" + name)).resolve(typeName(block.group(1)) + ".java");
                Files.writeString(source, unit(name, origin, block.group(1)));
                sources.add(source);
                origins.add(origin);
            }
        }
        assertThat(sources).as("java snippets found in the documentation").hasSizeGreaterThan(5);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        List<String> options = List.of("-proc:none", "-Xlint:none", "-nowarn", "-d", Files.createDirectories(work.resolve("classes")).toString(),
                "-classpath", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        boolean compiled;
        try (var files = compiler.getStandardFileManager(null, null, java.nio.charset.StandardCharsets.UTF_8)) {
            compiled = compiler.getTask(diagnostics, files, null, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
        }
        assertThat(compiled).as("snippets (from %s) failed to compile:%n%s", origins, diagnostics).isTrue();
    }

    @Test
    void everyWholePolicyDocumentInTheDocumentationLoads() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        Pattern yaml = Pattern.compile("(?m)^```yaml[^\\n]*\\n(.*?)^```", Pattern.DOTALL);
        int loaded = 0;
        for (Path document : documents(root)) {
            String text = Files.readString(document);
            Matcher block = yaml.matcher(text);
            while (block.find()) {
                String code = block.group(1).replaceAll("(?m)^#.*\\n", "");
                String origin = root.relativize(document) + ":" + lineOf(text, block.start());
                if (code.startsWith("version:")) {
                    dev.governed.policy.PolicyDocuments.parse(code, origin);
                    loaded++;
                } else if (code.startsWith("masks:")) {
                    dev.governed.policy.PolicyDocuments.parse("version: 1\n" + code, origin);
                    loaded++;
                }
            }
        }
        assertThat(loaded).as("policy documents found in the documentation").isGreaterThan(2);
    }

    /** The worked examples of docs/policy.md, "Strategies", row by row. */
    @Test
    void theMaskStrategiesDoWhatThePolicyReferenceShows() {
        var registry = dev.governed.core.mask.MaskStrategyRegistry.load();
        var configuration = dev.governed.core.mask.MaskConfiguration.withKey("docs");
        java.util.function.BiFunction<String, java.util.Map<String, Object>, dev.governed.core.mask.MaskStrategy> strategy =
                (type, options) -> registry.create(type, options, configuration);
        assertThat(strategy.apply("redact", java.util.Map.of()).mask("123-45-6789")).isEqualTo("****");
        assertThat(strategy.apply("redact", java.util.Map.of("replacement", "[hidden]")).mask("123-45-6789")).isEqualTo("[hidden]");
        assertThat(strategy.apply("keep-last", java.util.Map.of("keep", 4)).mask("123-45-6789")).isEqualTo("*******6789");
        assertThat(strategy.apply("keep-last", java.util.Map.of("keep", 4, "maskChar", "#")).mask("4111111111111111"))
                .isEqualTo("############1111");
        assertThat(strategy.apply("keep-first", java.util.Map.of("keep", 1)).mask("Ada Lovelace")).isEqualTo("A***********");
        assertThat((String) strategy.apply("hash", java.util.Map.of("length", 12)).mask("ada@example.com")).matches("[0-9a-f]{12}");
        assertThat(strategy.apply("null", java.util.Map.of()).mask("123-45-6789")).isNull();
        assertThat(strategy.apply("email", java.util.Map.of()).mask("jane@example.com")).isEqualTo("j***@example.com");
        assertThat(strategy.apply("email", java.util.Map.of()).mask("not an address")).isEqualTo("****");
        assertThat(strategy.apply("regex", java.util.Map.of("pattern", "\\d(?=\\d{4})", "replacement", "#")).mask("4111111111111111"))
                .isEqualTo("############1111");
        assertThat(strategy.apply("year-only", java.util.Map.of()).mask(java.time.LocalDate.of(1984, 6, 2)))
                .isEqualTo(java.time.LocalDate.of(1984, 1, 1));
        assertThat(strategy.apply("year-only", java.util.Map.of()).mask("1984-06-02")).isEqualTo("1984");
    }

    /** Feature pages their owners write alongside; links to them may come before the page does. */
    private static final java.util.Set<String> PAGES_IN_PROGRESS = java.util.Set.of("masking.md", "read-only.md", "sql-coverage.md",
            "credentials.md", "delegation.md", "audit.md", "compliance.md", "approvals.md", "http-client.md");

    @Test
    void everyRelativeLinkInTheDocumentationLeadsToAFile() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        Pattern link = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
        List<String> broken = new ArrayList<>();
        for (Path document : documents(root)) {
            Matcher each = link.matcher(Files.readString(document));
            while (each.find()) {
                String target = each.group(1);
                if (target.contains("://") || target.startsWith("mailto:")) {
                    continue;
                }
                Path resolved = document.getParent().resolve(target).normalize();
                if (!Files.exists(resolved) && !PAGES_IN_PROGRESS.contains(resolved.getFileName().toString())) {
                    broken.add(root.relativize(document) + " -> " + target);
                }
            }
        }
        assertThat(broken).as("links to files that do not exist").isEmpty();
    }

    static List<Path> documents(Path root) throws IOException {
        List<Path> result = new ArrayList<>();
        result.add(root.resolve("README.md"));
        try (Stream<Path> modules = Files.list(root)) {
            modules.map(each -> each.resolve("README.md")).filter(Files::isRegularFile).sorted().forEach(result::add);
        }
        if (Files.isDirectory(root.resolve("docs"))) {
            try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
                docs.filter(each -> each.toString().endsWith(".md")).sorted().forEach(result::add);
            }
        }
        return result;
    }

    private static String typeName(String code) {
        Matcher type = TYPE.matcher(code);
        return type.find() ? type.group(1) : "Snippet";
    }

    private static String unit(String name, String origin, String code) {
        StringBuilder result = new StringBuilder("package docs." + name + "; // " + origin + "\n");
        IMPORTS.forEach(each -> result.append("import ").append(each).append(";\n"));
        if (TYPE.matcher(code).find()) {
            return result.append(code.replaceAll("(?m)^import [^;]+;", "").strip()).append('\n')
                    .insert(result.indexOf("\n") + 1, importsOf(code)).toString();
        }
        return result.append("class Snippet {\n    void run() throws Exception {\n").append(code).append("    }\n}\n").toString();
    }

    private static String importsOf(String code) {
        StringBuilder result = new StringBuilder();
        Matcher each = Pattern.compile("(?m)^import [^;]+;").matcher(code);
        while (each.find()) {
            result.append(each.group()).append('\n');
        }
        return result.toString();
    }

    private static long lineOf(String text, int offset) {
        return text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }
}
