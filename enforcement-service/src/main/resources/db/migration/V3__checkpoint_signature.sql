-- What the service found when it checked a checkpoint's signature: valid, invalid, unknown-key or unsigned.
ALTER TABLE audit_checkpoints ADD COLUMN signature VARCHAR(16);
