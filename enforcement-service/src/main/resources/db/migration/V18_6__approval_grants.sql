-- Approval-scoped grants (issue 17): the minted login (one caller's session) an approval was asked from, and the
-- privileges an approval added to that login, kept until they are revoked so a sweep can always remove them.
ALTER TABLE approvals ADD COLUMN login VARCHAR(63);

CREATE TABLE approval_grants (
    approval_id VARCHAR(36) PRIMARY KEY,
    login       VARCHAR(63) NOT NULL,
    connection  VARCHAR(128) NOT NULL,
    privileges  VARCHAR NOT NULL,
    summary     VARCHAR NOT NULL,
    granted_at  BIGINT NOT NULL,
    until_at    BIGINT NOT NULL,
    ended_at    BIGINT,
    end_reason  VARCHAR
);
CREATE INDEX approval_grants_live ON approval_grants (ended_at, login);
-- What the statement does to which tables (JSON list of {operation, schema, table}), as the asking driver analysed it.
ALTER TABLE approvals ADD COLUMN touches_json VARCHAR;
