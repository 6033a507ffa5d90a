package dev.governed.jdbc;

import dev.governed.core.GovernedSettings;
import dev.governed.core.identity.InvalidTokenException;
import java.sql.Connection;
import java.sql.SQLException;

/** Turns a raw connection into a governed one, closing the raw one if that fails. */
final class GovernedConnections {
    private GovernedConnections() {}

    static GovernedConnection open(Connection raw, Governance governance, GovernedSettings settings)
            throws SQLException {
        return open(raw, governance, settings, ServiceMode.Lease.NONE);
    }

    /** {@code lease}: the service-minted login the connection runs on, checked before every statement. */
    static GovernedConnection open(Connection raw, Governance governance, GovernedSettings settings, ServiceMode.Lease lease)
            throws SQLException {
        try {
            DialectGuard.check(raw);
            CallerIdentity identities = CallerIdentity.from(settings, governance.verifier, governance.provider);
            failFastOnConfiguredToken(identities);
            return new GovernedConnection(raw, governance, identities, lease);
        } catch (SQLException | RuntimeException e) {
            try {
                raw.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** A token given in configuration that is already invalid is reported at connect, not at the first query. */
    private static void failFastOnConfiguredToken(CallerIdentity identities) throws TokenRejectedException {
        if (!identities.hasConfiguredToken()) {
            return;
        }
        try {
            identities.current();
        } catch (InvalidTokenException e) {
            throw new TokenRejectedException("Governed refused the connection: " + e.getMessage(), e);
        }
    }
}
