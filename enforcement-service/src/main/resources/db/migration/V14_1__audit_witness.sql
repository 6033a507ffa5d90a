-- The witness: the latest checkpoint the service received per stream, so a trail cut or rewritten after it is caught.
CREATE TABLE audit_witness (
    stream      VARCHAR(64) PRIMARY KEY,
    seq         BIGINT NOT NULL,
    head        VARCHAR(64) NOT NULL,
    origin      VARCHAR(64),
    body        VARCHAR NOT NULL,
    signature   VARCHAR(16),
    received_at BIGINT NOT NULL,
    received_by VARCHAR NOT NULL
);
