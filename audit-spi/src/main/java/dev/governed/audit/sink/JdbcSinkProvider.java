package dev.governed.audit.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;

/**
 * {@code jdbc:<JDBC URL without its "jdbc:">[?table=<name>][&user=<user>][&passwordFile=<path>]},
 * e.g. {@code jdbc:postgresql://db:5432/audit?user=audit&passwordFile=/run/secrets/audit-db};
 * see {@link JdbcSink}. The table defaults to {@code governed_audit}. Driver parameters cannot go
 * in the URL's query string (the {@code ?} starts the options); H2-style {@code ;} settings can.
 */
public final class JdbcSinkProvider implements AuditSinkProvider {

    @Override
    public String type() {
        return "jdbc";
    }

    @Override
    public Set<String> options() {
        return Set.of("table", "user", "passwordFile");
    }

    @Override
    public AuditSink create(SinkSpec spec) throws IOException {
        Properties credentials = new Properties();
        String user = spec.options().get("user");
        if (user != null) {
            credentials.setProperty("user", user);
        }
        String passwordFile = spec.options().get("passwordFile");
        if (passwordFile != null) {
            try {
                credentials.setProperty("password", Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new IOException("cannot read the audit database password file " + passwordFile + ": "
                        + e.getMessage(), e);
            }
        }
        String target = spec.target().startsWith("jdbc:") ? spec.target() : "jdbc:" + spec.target();
        return new JdbcSink(target, credentials, spec.option("table", "governed_audit"));
    }
}
