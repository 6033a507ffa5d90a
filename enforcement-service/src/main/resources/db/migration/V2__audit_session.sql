-- Events by session, for `governed replay <session>` and the audit session filter.
ALTER TABLE audit_events ADD COLUMN session_id VARCHAR(64);
CREATE INDEX audit_events_session ON audit_events (session_id);
