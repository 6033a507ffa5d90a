package dev.governed.service;

import dev.governed.core.identity.TokenVerifier;
import dev.governed.service.audit.RetentionRules;
import dev.governed.service.auth.Role;
import dev.governed.service.auth.RoleMapping;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the service needs to start, built with {@link #builder()} or read from
 * {@code governed.*} properties with {@link #fromProperties(Map)}. Immutable.
 */
public final class ServiceConfig {
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Path DEFAULT_DATA_DIR = Path.of("governed-data");

    private final String host;
    private final int port;
    private final Path dataDir;
    private final String databaseUrl;
    private final String databaseUser;
    private final String databasePassword;
    private final int databasePoolSize;
    private final List<String> issuers;
    private final String jwks;
    private final List<String> audiences;
    private final List<String> groupClaims;
    private final int maxDelegationDepth;
    private final RoleMapping roles;
    private final byte[] secretKey;
    private final boolean signPolicies;
    private final long maxBodyBytes;
    private final long maxAuditBodyBytes;
    private final int maxAuditBatch;
    private final Duration approvalTimeout;
    private final Duration maxWait;
    private final Duration activePolicyCacheTtl;
    private final Clock clock;
    private final TokenVerifier tokenVerifier;
    private final Path auditKeys;
    private final RetentionRules retention;
    private final Duration retentionInterval;

    private ServiceConfig(Builder b) {
        this.retention = b.retention;
        this.retentionInterval = b.retentionInterval;
        this.auditKeys = b.auditKeys;
        this.host = b.host;
        this.port = b.port;
        this.dataDir = b.dataDir;
        this.databaseUrl = b.databaseUrl != null ? b.databaseUrl
                : "jdbc:h2:file:" + b.dataDir.toAbsolutePath().normalize().resolve("governed");
        this.databaseUser = b.databaseUser != null ? b.databaseUser : (databaseUrl.startsWith("jdbc:h2:") ? "sa" : null);
        this.databasePassword = b.databasePassword != null ? b.databasePassword : (databaseUrl.startsWith("jdbc:h2:") ? "" : null);
        this.databasePoolSize = b.databasePoolSize;
        this.issuers = List.copyOf(b.issuers);
        this.jwks = b.jwks;
        this.audiences = List.copyOf(b.audiences);
        this.groupClaims = List.copyOf(b.groupClaims);
        this.maxDelegationDepth = b.maxDelegationDepth;
        this.roles = b.roles;
        this.secretKey = b.secretKey == null ? null : b.secretKey.clone();
        this.signPolicies = b.signPolicies;
        this.maxBodyBytes = b.maxBodyBytes;
        this.maxAuditBodyBytes = b.maxAuditBodyBytes;
        this.maxAuditBatch = b.maxAuditBatch;
        this.approvalTimeout = b.approvalTimeout;
        this.maxWait = b.maxWait;
        this.activePolicyCacheTtl = b.activePolicyCacheTtl;
        this.clock = b.clock;
        this.tokenVerifier = b.tokenVerifier;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads {@code governed.service.host|port|dataDir|db.url|db.user|db.password|db.pool|secretKey|auditKeys|signPolicies|
     * maxBodyBytes|roles.<role>|groupClaims}, {@code governed.issuer}, {@code governed.jwks}, {@code governed.audience}
     * and {@code governed.delegation.maxDepth}, and the audit retention rules {@code governed.service.audit.retention.default|
     * resource.<name>|environment.<env>|interval} ({@link RetentionRules})
     * (lists comma-separated). Absent keys keep their defaults.
     */
    public static Builder fromProperties(Map<String, String> properties) {
        Builder result = builder();
        value(properties, "governed.service.host").ifPresent(result::host);
        value(properties, "governed.service.port").ifPresent(v -> result.port(integer("governed.service.port", v)));
        value(properties, "governed.service.dataDir").ifPresent(v -> result.dataDir(Path.of(v)));
        value(properties, "governed.service.db.url").ifPresent(result::databaseUrl);
        value(properties, "governed.service.db.user").ifPresent(result::databaseUser);
        value(properties, "governed.service.db.password").ifPresent(result::databasePassword);
        value(properties, "governed.service.db.pool").ifPresent(v -> result.databasePoolSize(integer("governed.service.db.pool", v)));
        value(properties, "governed.issuer").ifPresent(v -> list(v).forEach(result::issuer));
        value(properties, "governed.jwks").ifPresent(result::jwks);
        value(properties, "governed.audience").ifPresent(v -> list(v).forEach(result::audience));
        value(properties, "governed.service.groupClaims").ifPresent(v -> result.groupClaims(list(v)));
        value(properties, "governed.delegation.maxDepth")
                .ifPresent(v -> result.maxDelegationDepth(integer("governed.delegation.maxDepth", v)));
        value(properties, "governed.service.secretKey").ifPresent(v -> result.secretKey(decodeKey(v)));
        value(properties, "governed.service.auditKeys").ifPresent(v -> result.auditKeys(Path.of(v)));
        value(properties, "governed.service.signPolicies").ifPresent(v -> result.signPolicies(Boolean.parseBoolean(v)));
        value(properties, "governed.service.maxBodyBytes").ifPresent(v -> result.maxBodyBytes(integer("governed.service.maxBodyBytes", v)));
        result.retention(RetentionRules.fromProperties(properties));
        value(properties, RetentionRules.PREFIX + "interval")
                .ifPresent(v -> result.retentionInterval(RetentionRules.period(RetentionRules.PREFIX + "interval", v)));
        for (Role each : Role.values()) {
            value(properties, "governed.service.roles." + each.key()).ifPresent(v -> result.roleGroups(each, new LinkedHashSet<>(list(v))));
        }
        return result;
    }

    /** A 256-bit AES key from base64 text; anything else is refused with what to do. */
    public static byte[] decodeKey(String base64) {
        byte[] result;
        try {
            result = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("governed.service.secretKey is not base64; generate one with `openssl rand -base64 32`");
        }
        if (result.length != 32) {
            throw new IllegalArgumentException("governed.service.secretKey must be 32 bytes (256 bits), was " + result.length
                    + "; generate one with `openssl rand -base64 32`");
        }
        return result;
    }

    private static Optional<String> value(Map<String, String> properties, String key) {
        return Optional.ofNullable(properties.get(key)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'");
        }
    }

    public String host() { return host; }
    public int port() { return port; }
    public Path dataDir() { return dataDir; }
    public String databaseUrl() { return databaseUrl; }
    public String databaseUser() { return databaseUser; }
    public String databasePassword() { return databasePassword; }
    public int databasePoolSize() { return databasePoolSize; }
    public List<String> issuers() { return issuers; }
    public String jwks() { return jwks; }
    public List<String> audiences() { return audiences; }
    public List<String> groupClaims() { return groupClaims; }
    /** How many actors an RFC 8693 act chain may hold, as for the driver. */
    public int maxDelegationDepth() { return maxDelegationDepth; }
    public RoleMapping roles() { return roles; }
    public Optional<byte[]> secretKey() { return Optional.ofNullable(secretKey).map(byte[]::clone); }
    public boolean signPolicies() { return signPolicies; }
    public long maxBodyBytes() { return maxBodyBytes; }
    public long maxAuditBodyBytes() { return maxAuditBodyBytes; }
    public int maxAuditBatch() { return maxAuditBatch; }
    public Duration approvalTimeout() { return approvalTimeout; }
    public Duration maxWait() { return maxWait; }
    public Duration activePolicyCacheTtl() { return activePolicyCacheTtl; }
    public Clock clock() { return clock; }
    public Optional<TokenVerifier> tokenVerifier() { return Optional.ofNullable(tokenVerifier); }
    public Optional<Path> auditKeys() { return Optional.ofNullable(auditKeys); }
    /** How long audit events are kept; none by default (kept for ever). */
    public RetentionRules retention() { return retention; }
    /** How often expired audit segments are removed; default 1 hour. */
    public Duration retentionInterval() { return retentionInterval; }

    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Path dataDir = DEFAULT_DATA_DIR;
        private String databaseUrl;
        private String databaseUser;
        private String databasePassword;
        private int databasePoolSize = 10;
        private final List<String> issuers = new ArrayList<>();
        private String jwks;
        private final List<String> audiences = new ArrayList<>();
        private List<String> groupClaims = List.of("groups");
        private int maxDelegationDepth = dev.governed.core.identity.JwtTokenVerifier.DEFAULT_MAX_DELEGATION_DEPTH;
        private RoleMapping roles = RoleMapping.defaults();
        private byte[] secretKey;
        private boolean signPolicies = true;
        private long maxBodyBytes = 1024 * 1024;
        private long maxAuditBodyBytes = 16L * 1024 * 1024;
        private int maxAuditBatch = 10_000;
        private Duration approvalTimeout = Duration.ofHours(1);
        private Duration maxWait = Duration.ofSeconds(60);
        private Duration activePolicyCacheTtl = Duration.ofSeconds(1);
        private Clock clock = Clock.systemUTC();
        private TokenVerifier tokenVerifier;
        private Path auditKeys;
        private RetentionRules retention = RetentionRules.keepForever();
        private Duration retentionInterval = Duration.ofHours(1);

        private Builder() {}

        /** How long audit events are kept, by resource and environment; default: for ever. */
        public Builder retention(RetentionRules rules) { this.retention = Objects.requireNonNull(rules); return this; }
        /** How often the service removes expired audit segments; default 1 hour. */
        public Builder retentionInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException(RetentionRules.PREFIX + "interval must be positive, e.g. PT1H");
            }
            this.retentionInterval = interval;
            return this;
        }

        /** A JWK or JWK Set file of the public keys agents sign audit checkpoints with; uploaded checkpoints are checked against it. */
        public Builder auditKeys(Path file) { this.auditKeys = file; return this; }

        /** Interface to listen on; default loopback. */
        public Builder host(String host) { this.host = Objects.requireNonNull(host); return this; }
        /** Port to listen on; 0 picks a free one. */
        public Builder port(int port) { this.port = port; return this; }
        /** Where the default H2 database lives. */
        public Builder dataDir(Path dataDir) { this.dataDir = Objects.requireNonNull(dataDir); return this; }
        public Builder databaseUrl(String url) { this.databaseUrl = url; return this; }
        public Builder databaseUser(String user) { this.databaseUser = user; return this; }
        public Builder databasePassword(String password) { this.databasePassword = password; return this; }
        public Builder databasePoolSize(int size) { this.databasePoolSize = size; return this; }
        /** A trusted token issuer (its {@code iss}); keys by {@link #jwks} or OIDC discovery. */
        public Builder issuer(String issuer) { this.issuers.add(issuer); return this; }
        public Builder jwks(String location) { this.jwks = location; return this; }
        public Builder audience(String audience) { this.audiences.add(audience); return this; }
        public Builder groupClaims(List<String> claims) { this.groupClaims = List.copyOf(claims); return this; }
        public Builder maxDelegationDepth(int depth) { this.maxDelegationDepth = depth; return this; }
        public Builder roles(RoleMapping roles) { this.roles = Objects.requireNonNull(roles); return this; }
        public Builder roleGroups(Role role, Set<String> groups) { this.roles = roles.with(role, groups); return this; }
        /** The 256-bit AES key that encrypts connection credentials and the signing key at rest. */
        public Builder secretKey(byte[] key) {
            if (key != null && key.length != 32) {
                throw new IllegalArgumentException("the secret key must be 32 bytes (AES-256), was " + key.length);
            }
            this.secretKey = key == null ? null : key.clone();
            return this;
        }
        /** Whether {@code Accept: application/jose} gets the effective policy as a JWS; default true. */
        public Builder signPolicies(boolean sign) { this.signPolicies = sign; return this; }
        public Builder maxBodyBytes(long limit) { this.maxBodyBytes = limit; return this; }
        public Builder maxAuditBodyBytes(long limit) { this.maxAuditBodyBytes = limit; return this; }
        public Builder maxAuditBatch(int events) { this.maxAuditBatch = events; return this; }
        /** How long an approval request stays pending before it expires; default 1 hour. */
        public Builder approvalTimeout(Duration timeout) { this.approvalTimeout = timeout; return this; }
        /** The longest a long poll is held open; default 60 s. */
        public Builder maxWait(Duration wait) { this.maxWait = wait; return this; }
        /** How long an instance trusts its cached view of which policy is active; default 1 s. */
        public Builder activePolicyCacheTtl(Duration ttl) { this.activePolicyCacheTtl = ttl; return this; }
        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }
        /** Replaces the verifier built from issuer/jwks/audience, e.g. to share one across components. */
        public Builder tokenVerifier(TokenVerifier verifier) { this.tokenVerifier = verifier; return this; }

        public ServiceConfig build() {
            if (tokenVerifier == null && issuers.isEmpty()) {
                throw new IllegalArgumentException("no trusted token issuer configured: set governed.issuer (and governed.jwks unless "
                        + "the issuer supports OIDC discovery) and governed.audience; every API call is authenticated with a bearer JWT");
            }
            if (tokenVerifier == null && audiences.isEmpty()) {
                throw new IllegalArgumentException("no audience configured: set governed.audience to the aud that tokens for this service carry");
            }
            if (maxWait.isNegative() || maxWait.isZero()) {
                throw new IllegalArgumentException("maxWait must be positive");
            }
            return new ServiceConfig(this);
        }
    }
}
