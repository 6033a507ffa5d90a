-- Signed records of expired audit events: each stands in for events first_seq..last_seq of its stream.
-- One record per first_seq, so two instances expiring the same stream at once cannot both succeed.
-- received_by keeps who wrote the stream, so nobody else may continue it once all its stored events expired.
CREATE TABLE audit_retention (
    stream     VARCHAR(64) NOT NULL,
    first_seq  BIGINT NOT NULL,
    last_seq   BIGINT NOT NULL,
    last_hash  VARCHAR(64) NOT NULL,
    body       VARCHAR NOT NULL,
    expired_at BIGINT NOT NULL,
    received_by VARCHAR NOT NULL,
    PRIMARY KEY (stream, first_seq)
);

-- Legal holds: while one matches an event (by resource, environment, stream, or all), its segment is never expired.
CREATE TABLE audit_holds (
    id         VARCHAR(64) PRIMARY KEY,
    scope      VARCHAR(16) NOT NULL,
    match_value VARCHAR,
    reason     VARCHAR NOT NULL,
    created_by VARCHAR NOT NULL,
    created_at BIGINT NOT NULL
);
