package dev.governed.service.cli;

import dev.governed.service.GovernedService;
import dev.governed.service.ServiceConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code governed serve}: one command, sensible defaults (loopback port 8080, H2 under ./governed-data, a secret
 * key generated there on first start; {@code --dev}:
 * ~/.governed/dev). Settings come from, weakest first: {@code --config} properties file,
 * {@code GOVERNED_*} environment variables, {@code governed.*} system properties, then flags.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the enforcement service.",
        footer = {"", "Audit retention (in the --config file or as -Dgoverned.… / GOVERNED_… settings; ISO-8601 durations):",
                "  governed.service.audit.retention.default=P365D            events no longer rule matches",
                "  governed.service.audit.retention.resource.<name>=P30D     events of one resource",
                "  governed.service.audit.retention.environment.<env>=P90D   events of one environment",
                "  governed.service.audit.retention.interval=PT1H            how often expiry runs",
                "The longest matching rule applies; with no rule nothing expires. Expiry removes whole signed segments and",
                "leaves a signed retention record; legal holds (`governed audit hold`) stop it. See docs/audit.md."})
final class ServeCommand implements Callable<Integer> {
    private static volatile GovernedService running;
    private static volatile CountDownLatch stopped = new CountDownLatch(1);

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of governed.* settings")
    Path config;

    @Option(names = "--host", description = "Interface to listen on (default 127.0.0.1)")
    String host;

    @Option(names = "--port", description = "Port (default 8080; 0 picks a free one)")
    Integer port;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory for the default H2 database and secret key (default ./governed-data; with --dev ~/.governed/dev)")
    Path data;

    @Option(names = "--db-url", paramLabel = "JDBC_URL", description = "Service database, e.g. jdbc:postgresql://db:5432/governed (default H2 file)")
    String dbUrl;

    @Option(names = "--db-user") String dbUser;
    @Option(names = "--db-password") String dbPassword;

    @Option(names = "--issuer", description = "Trusted token issuer (repeatable)")
    List<String> issuers;

    @Option(names = "--jwks", description = "JWKS location of the issuer(s) (file:, https://); default: OIDC discovery")
    String jwks;

    @Option(names = "--audience", description = "Required token audience")
    String audience;

    @Option(names = "--dev", description = "Trust a local development token issuer (mint tokens with `governed token --dev`); loopback only")
    boolean dev;

    @Option(names = "--audit-keys", paramLabel = "JWKS_FILE", description = "Public keys agents sign audit checkpoints with")
    Path auditKeys;

    @Option(names = "--secret-key-file", paramLabel = "FILE", description = "Base64 AES-256 key encrypting credentials at rest")
    Path secretKeyFile;

    @Override
    public Integer call() throws Exception {
        Map<String, String> settings = settings();
        ServiceConfig.Builder builder = ServiceConfig.fromProperties(settings);
        Path dataDir = data != null ? data : settings.containsKey("governed.service.dataDir")
                ? Path.of(settings.get("governed.service.dataDir")) : dev ? DevIdentity.defaultDataDir() : ServiceConfig.DEFAULT_DATA_DIR;
        builder.dataDir(dataDir);
        if (dev) {
            String listenOn = settings.getOrDefault("governed.service.host", ServiceConfig.DEFAULT_HOST);
            if (!listenOn.equals("127.0.0.1") && !listenOn.equals("localhost") && !listenOn.equals("::1")) {
                throw new CliException(CliException.USAGE, "--dev trusts a token issuer whose key sits in " + dataDir
                        + "; it only listens on loopback, not " + listenOn + "; drop --host or --dev");
            }
            PrivateFiles.directory(dataDir);
            DevIdentity identity = DevIdentity.open(dataDir);
            builder.issuer(DevIdentity.ISSUER).jwks(identity.jwksLocation()).audience(DevIdentity.AUDIENCE);
            boolean defaultData = data == null && !settings.containsKey("governed.service.dataDir");
            spec.commandLine().getOut().println("DEVELOPMENT MODE (never in production): data in " + dataDir.toAbsolutePath()
                    + "; tokens from `governed token --dev" + (defaultData ? "" : " --data " + dataDir)
                    + "` (issuer " + DevIdentity.ISSUER + ", audience " + DevIdentity.AUDIENCE + ") are trusted");
        }
        builder.build(); // refuse an incomplete configuration before writing anything to disk
        if (!settings.containsKey("governed.service.secretKey")) {
            builder.secretKey(ServiceConfig.decodeKey(secretKey(secretKeyFile != null ? secretKeyFile : dataDir.resolve("secret.key"),
                    secretKeyFile == null)));
        }
        PrivateFiles.directory(dataDir);
        GovernedService service;
        try {
            service = GovernedService.start(builder.build());
        } catch (RuntimeException e) {
            throw portInUse(e, settings);
        }
        CountDownLatch whenStopped = new CountDownLatch(1);
        stopped = whenStopped;
        running = service;
        Runtime.getRuntime().addShutdownHook(new Thread(ServeCommand::stop, "governed-shutdown"));
        spec.commandLine().getOut().println("Governed enforcement service listening on " + service.baseUri()
                + " (OpenAPI: " + service.baseUri() + "/v1/openapi.json)");
        spec.commandLine().getOut().flush();
        whenStopped.await();
        return 0;
    }

    static boolean isServing() {
        return running != null;
    }

    /** Stops a running {@code serve} (shutdown hook, tests). */
    static void stop() {
        GovernedService service = running;
        running = null;
        if (service != null) {
            service.close();
        }
        stopped.countDown();
    }

    static GovernedService current() {
        return running;
    }

    private Map<String, String> settings() throws IOException {
        Map<String, String> result = new HashMap<>();
        if (config != null) {
            Properties file = new Properties();
            try (InputStream in = Files.newInputStream(config)) {
                file.load(in);
            } catch (IOException e) {
                throw CliException.unreadable("the --config file", config, e);
            }
            file.stringPropertyNames().forEach(k -> result.put(k, file.getProperty(k)));
        }
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("GOVERNED_")) {
                result.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("governed."))
                .forEach(k -> result.put(k, System.getProperty(k)));
        put(result, "governed.service.host", host);
        put(result, "governed.service.port", port == null ? null : String.valueOf(port));
        put(result, "governed.service.db.url", dbUrl);
        put(result, "governed.service.db.user", dbUser);
        put(result, "governed.service.db.password", dbPassword);
        put(result, "governed.issuer", issuers == null ? null : String.join(",", issuers));
        put(result, "governed.jwks", jwks);
        put(result, "governed.audience", audience);
        put(result, "governed.service.auditKeys", auditKeys == null ? null : auditKeys.toString());
        return result;
    }

    private static void put(Map<String, String> settings, String key, String value) {
        if (value != null) {
            settings.put(key, value);
        }
    }

    /** A port someone else listens on, or a database that does not answer, is the user's to fix; anything else passes as it came. */
    private static RuntimeException portInUse(RuntimeException e, Map<String, String> settings) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.BindException) {
                String port = settings.getOrDefault("governed.service.port", String.valueOf(ServiceConfig.DEFAULT_PORT));
                return new CliException(CliException.FAILED, "port " + port + " is already in use (another `governed serve`?);"
                        + " stop it, or pick another port with --port");
            }
            if (cause instanceof java.sql.SQLException sql) {
                String url = settings.getOrDefault("governed.service.db.url", "the H2 database in the data folder");
                return new CliException(CliException.FAILED, "cannot open the service database " + url + " (" + sql.getMessage()
                        + "); check --db-url, --db-user and --db-password, and that the database is running");
            }
        }
        return e;
    }

    /** Reads the key file, creating it (owner-only) with a fresh random key on first start when allowed. */
    private String secretKey(Path file, boolean createIfMissing) throws IOException {
        if (Files.exists(file)) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw CliException.unreadable("the secret key file", file, e);
            }
        }
        if (!createIfMissing) {
            throw new CliException(CliException.NO_FILE, "the secret key file " + file + " does not exist; create one with"
                    + " `(umask 077; openssl rand -base64 32 > " + file + ")`");
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        PrivateFiles.write(file, Base64.getEncoder().encodeToString(key) + "\n");
        spec.commandLine().getOut().println("Generated a secret key for credentials at rest in " + file + " (owner-only); keep it,"
                + " and back it up");
        return Base64.getEncoder().encodeToString(key);
    }
}
