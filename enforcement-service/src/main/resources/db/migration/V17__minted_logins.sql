-- Just-in-time credentials: how a profile releases credentials (minted logins or the stored ones) and the
-- logins minted so far, kept until they are dropped so expiry, renewal and policy changes can reach them.
ALTER TABLE connection_profiles ADD COLUMN credentials VARCHAR(16) DEFAULT 'minted' NOT NULL;
ALTER TABLE connection_profiles ADD COLUMN ttl_seconds BIGINT DEFAULT 900 NOT NULL;
ALTER TABLE connection_profiles ADD COLUMN policy_resource VARCHAR(256);
ALTER TABLE connection_profiles ADD COLUMN environment VARCHAR(128);

CREATE TABLE minted_logins (
    login          VARCHAR(63) PRIMARY KEY,
    connection     VARCHAR(128) NOT NULL,
    subject        VARCHAR NOT NULL,
    groups_json    VARCHAR NOT NULL,
    policy_version BIGINT NOT NULL,
    grants         VARCHAR NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    revoked_at     BIGINT,
    dropped_at     BIGINT
);
CREATE INDEX minted_logins_live ON minted_logins (dropped_at, expires_at);
