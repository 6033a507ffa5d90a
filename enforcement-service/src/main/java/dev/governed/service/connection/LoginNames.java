package dev.governed.service.connection;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * Names and passwords of minted logins. A login is {@code gv_<agent>_<session>}: the caller's subject reduced to
 * lower-case letters, digits and underscores (at most 40 characters), and 12 random characters for the session, so
 * a DBA reading pg_stat_activity sees whose it is and two sessions of one agent never share a login. Its masking
 * schema is {@code gvm_<agent>_<session>}: a different name, so PostgreSQL's default {@code "$user"} search-path entry
 * never puts it in front of the tables.
 */
final class LoginNames {
    static final String LOGIN_PREFIX = "gv_";
    static final String MASK_SCHEMA_PREFIX = "gvm_";
    private static final int MAX_AGENT = 40;
    private static final char[] SESSION_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private LoginNames() {}

    static String login(String subject) {
        StringBuilder agent = new StringBuilder();
        for (char each : subject.toLowerCase(Locale.ROOT).toCharArray()) {
            boolean plain = (each >= 'a' && each <= 'z') || (each >= '0' && each <= '9');
            if (agent.length() < MAX_AGENT && (plain || (agent.length() > 0 && agent.charAt(agent.length() - 1) != '_'))) {
                agent.append(plain ? each : '_');
            }
        }
        StringBuilder result = new StringBuilder(LOGIN_PREFIX).append(agent.length() == 0 ? "agent" : agent).append('_');
        for (int i = 0; i < 12; i++) {
            result.append(SESSION_ALPHABET[RANDOM.nextInt(SESSION_ALPHABET.length)]);
        }
        return result.toString();
    }

    /** The schema holding the masking views of {@code login}. */
    static String maskSchema(String login) {
        return MASK_SCHEMA_PREFIX + login.substring(LOGIN_PREFIX.length());
    }

    /** Whether {@code name} has the shape of a login this service mints (so nothing else is ever dropped). */
    static boolean isLogin(String name) {
        return name != null && name.matches("gv_[a-z0-9_]{1,41}_[a-z0-9]{12}");
    }

    /** 256 random bits, URL-safe base64. */
    static char[] password() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }
}
